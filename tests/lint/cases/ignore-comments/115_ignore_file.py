"""ignore file

Revision ID: 0115
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
# retort: ignore-file[drop-column, rename-table] -- the fax era is over  # expect: unused-ignore
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0115'
down_revision = '0000'
branch_labels = None
depends_on = None




def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_column('users', 'fax')
    op.drop_column('users', 'pager')


def downgrade():
    op.add_column('users', sa.Column('fax', sa.Text(), nullable=True))  # expect: missing-lock-timeout
    op.add_column('users', sa.Column('pager', sa.Text(), nullable=True))
