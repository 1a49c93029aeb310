"""timestamp to timestamptz in utc safe

Revision ID: 0063
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0063'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute("SET TIME ZONE 'UTC'")
    op.alter_column('event', 'at', existing_type=sa.DateTime(), type_=sa.DateTime(timezone=True))


def downgrade():
    op.alter_column('event', 'at', existing_type=sa.DateTime(timezone=True), type_=sa.DateTime())  # expect: alter-column-type-rewrite, missing-lock-timeout
