"""retort's own notes are not ignore comments

Revision ID: 0117
Revises: 0000
Create Date: 2026-12-01 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0117'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    # retort: added nullable: NOT NULL without a default fails on a table with rows; revision 3/3 sets NOT NULL after the backfill
    op.add_column('users', sa.Column('bio', sa.Text(), nullable=True))
    # retort: the downgrade drops what this adds


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_column('users', 'bio')
