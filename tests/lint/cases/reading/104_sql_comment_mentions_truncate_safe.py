"""sql comment mentions truncate safe

Revision ID: 0104
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0104'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute(sa.text("-- TRUNCATE event would be wrong here\nUPDATE event SET kind = 2 WHERE kind = 1"))


def downgrade():
    op.execute(sa.text("UPDATE event SET kind = 1 WHERE kind = 2"))
