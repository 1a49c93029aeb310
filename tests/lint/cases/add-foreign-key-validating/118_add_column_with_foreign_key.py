"""add column with foreign key

Revision ID: 0118
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0118'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id'), nullable=True))  # expect: add-foreign-key-validating, foreign-key-without-index, statements-after-exclusive-lock


def downgrade():
    op.drop_column('event', 'account_id')  # expect: missing-lock-timeout
