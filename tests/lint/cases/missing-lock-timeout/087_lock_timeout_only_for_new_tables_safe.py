"""lock timeout only for new tables safe

Revision ID: 0087
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0087'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tag', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_table('tag')
