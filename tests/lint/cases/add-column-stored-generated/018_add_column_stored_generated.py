"""add column stored generated

Revision ID: 0018
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('item', sa.Column('total', sa.Numeric(), sa.Computed('price * qty'), nullable=True))  # expect: add-column-stored-generated


def downgrade():
    op.drop_column('item', 'total')  # expect: missing-lock-timeout
