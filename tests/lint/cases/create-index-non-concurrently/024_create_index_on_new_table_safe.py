"""create index on new table safe

Revision ID: 0024
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('tag', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.Column('name', sa.Text(), nullable=False), sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_tag_name', 'tag', ['name'], unique=True)


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_table('tag')
