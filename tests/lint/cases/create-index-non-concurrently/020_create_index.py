"""create index

Revision ID: 0020
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_index('ix_event_account_id', 'event', ['account_id'])  # expect: create-index-non-concurrently


def downgrade():
    op.drop_index('ix_event_account_id', table_name='event')  # expect: drop-index-non-concurrently, missing-lock-timeout
