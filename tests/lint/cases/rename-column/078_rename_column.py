"""rename column

Revision ID: 0078
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0078'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('account', 'mail', new_column_name='email', existing_type=sa.Text())  # expect: rename-column


def downgrade():
    op.alter_column('account', 'email', new_column_name='mail', existing_type=sa.Text())  # expect: missing-lock-timeout
