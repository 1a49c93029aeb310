"""missing lock timeout

Revision ID: 0084
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0084'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('account', sa.Column('note', sa.Text(), nullable=True))  # expect: missing-lock-timeout
    op.add_column('account', sa.Column('other', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('account', 'other')  # expect: missing-lock-timeout
    op.drop_column('account', 'note')
