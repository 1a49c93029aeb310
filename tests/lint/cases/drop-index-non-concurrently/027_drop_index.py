"""drop index

Revision ID: 0027
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_index('ix_event_kind', table_name='event')  # expect: drop-index-non-concurrently


def downgrade():
    op.create_index('ix_event_kind', 'event', ['kind'])  # expect: create-index-non-concurrently, missing-lock-timeout
