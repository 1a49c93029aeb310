"""empty upgrade

Revision ID: 0082
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0082'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():  # expect: empty-upgrade
    pass


def downgrade():
    pass
