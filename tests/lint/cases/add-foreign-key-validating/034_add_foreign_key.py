"""add foreign key

Revision ID: 0034
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id'])  # expect: add-foreign-key-validating, foreign-key-without-index


def downgrade():
    op.drop_constraint('fk_event_account', 'event', type_='foreignkey')  # expect: missing-lock-timeout
