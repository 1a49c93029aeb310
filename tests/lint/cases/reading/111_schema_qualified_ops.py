"""schema qualified ops

Revision ID: 0111
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0111'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('account', sa.Column('plan', sa.Text(), nullable=False), schema='billing')  # expect: add-not-null-column-without-default
    op.create_index('ix_account_plan', 'account', ['plan'], schema='billing')  # expect: create-index-non-concurrently, statements-after-exclusive-lock


def downgrade():
    op.drop_index('ix_account_plan', table_name='account', schema='billing')  # expect: drop-index-non-concurrently, missing-lock-timeout
    op.drop_column('account', 'plan', schema='billing')
