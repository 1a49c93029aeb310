"""drop not null safe

Revision ID: 0013
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=True)


def downgrade():
    op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=False)  # expect: missing-lock-timeout, set-not-null
