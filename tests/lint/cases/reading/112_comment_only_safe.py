"""comment only safe

Revision ID: 0112
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0112'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table_comment('account', 'people who pay', existing_comment=None)
    op.alter_column('account', 'email', existing_type=sa.Text(), comment='login', existing_nullable=False)


def downgrade():
    op.drop_table_comment('account', existing_comment='people who pay')
