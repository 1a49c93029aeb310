"""add column index

Revision ID: 0121
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0121'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('kind', sa.Text(), index=True, nullable=True))  # expect: create-index-non-concurrently, statements-after-exclusive-lock


def downgrade():
    op.drop_column('event', 'kind')  # expect: missing-lock-timeout
