"""add column unique

Revision ID: 0120
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0120'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('code', sa.Text(), unique=True, nullable=True))  # expect: add-unique-constraint, statements-after-exclusive-lock


def downgrade():
    op.drop_column('event', 'code')  # expect: missing-lock-timeout
