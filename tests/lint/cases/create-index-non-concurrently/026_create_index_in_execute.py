"""create index in execute

Revision ID: 0026
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute("CREATE UNIQUE INDEX ix_account_email ON account (lower(email))")  # expect: create-index-non-concurrently


def downgrade():
    op.execute('DROP INDEX ix_account_email')  # expect: drop-index-non-concurrently
