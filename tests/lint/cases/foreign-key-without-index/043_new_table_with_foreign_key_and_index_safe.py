"""new table with foreign key and index safe

Revision ID: 0043
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0043'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('comment',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('post_id', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id']),
        sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_comment_post_id', 'comment', ['post_id'])


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_table('comment')
