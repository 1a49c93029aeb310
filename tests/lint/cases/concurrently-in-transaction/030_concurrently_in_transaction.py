"""concurrently in transaction

Revision ID: 0030
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_index('ix_a', 'account', ['email'], postgresql_concurrently=True)  # expect: concurrently-in-transaction


def downgrade():
    op.drop_index('ix_a', table_name='account')  # expect: drop-index-non-concurrently, missing-lock-timeout
