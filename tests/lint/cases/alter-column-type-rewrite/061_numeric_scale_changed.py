"""numeric scale changed

Revision ID: 0061
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0061'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('item', 'price', existing_type=sa.Numeric(precision=10, scale=2), type_=sa.Numeric(precision=12, scale=4))  # expect: alter-column-type-rewrite


def downgrade():
    op.alter_column('item', 'price', existing_type=sa.Numeric(precision=12, scale=4), type_=sa.Numeric(precision=10, scale=2))  # expect: alter-column-type-rewrite, missing-lock-timeout
