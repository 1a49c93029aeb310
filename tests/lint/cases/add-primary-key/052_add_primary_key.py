"""add primary key

Revision ID: 0052
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0052'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_primary_key('pk_event', 'event', ['id'])  # expect: add-primary-key


def downgrade():
    op.drop_constraint('pk_event', 'event', type_='primary')  # expect: missing-lock-timeout
