"""add check

Revision ID: 0045
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0045'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_check_constraint('ck_price_positive', 'item', 'price > 0')  # expect: add-check-validating


def downgrade():
    op.drop_constraint('ck_price_positive', 'item', type_='check')  # expect: missing-lock-timeout
