"""three step add nullable safe

Revision ID: 0006
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('account', sa.Column('plan', sa.Text(), nullable=True))


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_column('account', 'plan')
