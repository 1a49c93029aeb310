"""alter type int to bigint

Revision ID: 0055
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0055'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('account', 'id', existing_type=sa.Integer(), type_=sa.BigInteger())  # expect: alter-column-type-rewrite


def downgrade():
    op.alter_column('account', 'id', existing_type=sa.BigInteger(), type_=sa.Integer())  # expect: alter-column-type-rewrite, missing-lock-timeout
