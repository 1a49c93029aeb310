"""set unlogged

Revision ID: 0097
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0097'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute('ALTER TABLE event SET UNLOGGED')  # expect: set-logged-unlogged


def downgrade():
    op.execute('ALTER TABLE event SET LOGGED')  # expect: missing-lock-timeout, set-logged-unlogged
