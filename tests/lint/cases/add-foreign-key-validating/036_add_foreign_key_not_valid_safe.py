"""add foreign key not valid safe

Revision ID: 0036
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    with op.get_context().autocommit_block():
        op.create_index('ix_event_account_id', 'event', ['account_id'], postgresql_concurrently=True)
    op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id'], postgresql_not_valid=True)


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.drop_constraint('fk_event_account', 'event', type_='foreignkey')
