"""add json column

Revision ID: 0070
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0070'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('payload', sa.JSON(), nullable=True))  # expect: prefer-jsonb-over-json


def downgrade():
    op.drop_column('event', 'payload')  # expect: missing-lock-timeout
