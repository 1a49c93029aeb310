"""rename table

Revision ID: 0076
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0076'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.rename_table('customer', 'account')  # expect: rename-table


def downgrade():
    op.rename_table('account', 'customer')  # expect: missing-lock-timeout
