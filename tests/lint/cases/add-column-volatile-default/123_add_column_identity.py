"""add column identity

Revision ID: 0123
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0123'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('seq', sa.Integer(), sa.Identity(always=True), nullable=False))  # expect: add-column-volatile-default


def downgrade():
    op.drop_column('event', 'seq')  # expect: missing-lock-timeout
