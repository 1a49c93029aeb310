"""merge revision safe

Revision ID: 0083
Revises: 0001', '0002
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0083'
down_revision = ('0001', '0002')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
