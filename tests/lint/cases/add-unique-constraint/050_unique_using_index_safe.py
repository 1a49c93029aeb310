"""unique using index safe

Revision ID: 0050
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0050'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    with op.get_context().autocommit_block():
        op.create_index('uq_account_email', 'account', ['email'], unique=True, postgresql_concurrently=True)
    op.execute('ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE USING INDEX uq_account_email')


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_constraint('uq_account_email', 'account', type_='unique')
