"""ops on renamed new table safe

Revision ID: 0109
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0109'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('tmp_tag', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
    op.rename_table('tmp_tag', 'tag')
    op.add_column('tag', sa.Column('name', sa.Text(), nullable=False))
    op.create_index('ix_tag_name', 'tag', ['name'])


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_table('tag')
