"""several statements in one execute

Revision ID: 0105
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0105'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.execute(  # expect: add-check-validating, create-index-non-concurrently, statements-after-exclusive-lock
        """
        ALTER TABLE item ADD CONSTRAINT ck_qty CHECK (qty >= 0);
        CREATE INDEX ix_item_qty ON item (qty);
    """)


def downgrade():
    op.execute('DROP INDEX ix_item_qty')  # expect: drop-index-non-concurrently
    op.drop_constraint('ck_qty', 'item', type_='check')  # expect: missing-lock-timeout
