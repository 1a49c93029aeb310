"""table dropped and created alike

Revision ID: 0131
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0131'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.drop_table('user_accounts')  # expect: drop-table, looks-like-rename


def downgrade():
    op.create_table('user_accounts',
    sa.Column('id', sa.BIGINT(), autoincrement=False, nullable=False),
    sa.Column('email', sa.TEXT(), autoincrement=False, nullable=True),
    sa.PrimaryKeyConstraint('id', name='user_accounts_pkey')
    )
    op.drop_table('users')  # expect: missing-lock-timeout
