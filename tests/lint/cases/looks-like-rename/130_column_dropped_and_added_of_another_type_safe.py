"""column dropped and added of another type safe

Revision ID: 0130
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0130'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('account', sa.Column('visits', sa.BigInteger(), nullable=True))
    op.drop_column('account', 'email')  # expect: drop-column


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('account', sa.Column('email', sa.TEXT(), autoincrement=False, nullable=True))
    op.drop_column('account', 'visits')
