"""table created and dropped safe

Revision ID: 0127
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0127'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('scratch', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
    op.execute('INSERT INTO scratch DEFAULT VALUES')
    op.drop_table('scratch')


def downgrade():
    pass
