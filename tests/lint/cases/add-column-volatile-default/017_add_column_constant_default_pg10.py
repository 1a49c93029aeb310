# lint: postgres=10
"""add column constant default pg10

Revision ID: 0017
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('kind', sa.Text(), server_default='a', nullable=False))  # expect: add-column-volatile-default


def downgrade():
    op.drop_column('event', 'kind')  # expect: missing-lock-timeout
