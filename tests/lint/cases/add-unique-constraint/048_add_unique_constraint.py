"""add unique constraint

Revision ID: 0048
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0048'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_unique_constraint('uq_account_email', 'account', ['email'])  # expect: add-unique-constraint


def downgrade():
    op.drop_constraint('uq_account_email', 'account', type_='unique')  # expect: missing-lock-timeout
