"""add column with foreign key on new table safe

Revision ID: 0119
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0119'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('ledger', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
    op.add_column('ledger', sa.Column('account_id', sa.Integer(), sa.ForeignKey('account.id', name='fk_ledger_account'), nullable=True))
    op.create_index('ix_ledger_account_id', 'ledger', ['account_id'])


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_table('ledger')
