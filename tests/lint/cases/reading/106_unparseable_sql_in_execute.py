"""unparseable sql in execute

Revision ID: 0106
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0106'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute("CREATE FUNKTION nope(")


def downgrade():  # expect: missing-downgrade
    pass  # nothing to undo
