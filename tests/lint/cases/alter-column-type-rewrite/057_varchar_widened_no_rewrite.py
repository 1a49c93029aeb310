"""varchar widened no rewrite

Revision ID: 0057
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0057'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('account', 'email', existing_type=sa.VARCHAR(length=100), type_=sa.String(length=200))  # expect: prefer-text-over-varchar


def downgrade():
    op.alter_column('account', 'email', existing_type=sa.String(length=200), type_=sa.VARCHAR(length=100))  # expect: alter-column-type-rewrite, missing-lock-timeout
