"""downgrade drops what the upgrade added safe

Revision ID: 0132
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0132'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('account', sa.Column('email_address', sa.Text(), nullable=True))


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_column('account', 'email_address')
