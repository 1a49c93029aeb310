"""batch drop column

Revision ID: 0108
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0108'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('legacy_flag')  # expect: drop-column
        batch_op.alter_column('email', existing_type=sa.Text(), nullable=False)  # expect: set-not-null, statements-after-exclusive-lock


def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.Text(), nullable=True)  # expect: missing-lock-timeout
        batch_op.add_column(sa.Column('legacy_flag', sa.Boolean(), nullable=True))
