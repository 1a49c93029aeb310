"""column copied before the drop

Revision ID: 0133
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0133'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('account', sa.Column('email_address', sa.Text(), nullable=True))
    op.execute('UPDATE account SET email_address = lower(email)')  # expect: statements-after-exclusive-lock
    op.drop_column('account', 'email')  # expect: drop-column


def downgrade():
    op.add_column('account', sa.Column('email', sa.TEXT(), autoincrement=False, nullable=True))  # expect: missing-lock-timeout
    op.execute('UPDATE account SET email = email_address')  # expect: statements-after-exclusive-lock
    op.drop_column('account', 'email_address')
