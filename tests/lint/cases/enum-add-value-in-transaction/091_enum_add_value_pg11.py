# lint: postgres=11
"""enum add value pg11

Revision ID: 0091
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0091'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute("ALTER TYPE mood ADD VALUE 'meh'")  # expect: enum-add-value-in-transaction


def downgrade():  # expect: missing-downgrade
    pass  # enum values cannot be removed
