"""string to integer with using safe

Revision ID: 0135
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0135'
down_revision = '0000'
branch_labels = None
depends_on = None



def upgrade():
    op.execute("SET lock_timeout = '5s'")
    # Said how: no finding of this rule (the rewrite is still one).
    op.alter_column('feature', 'rank', existing_type=sa.String(10), type_=sa.Integer(), postgresql_using='rank::integer')  # expect: alter-column-type-rewrite
    # A cast PostgreSQL makes by itself: integer to bigint, anything to text.
    op.alter_column('feature', 'hits', existing_type=sa.Integer(), type_=sa.BigInteger())  # expect: alter-column-type-rewrite, statements-after-exclusive-lock
    op.alter_column('feature', 'code', existing_type=sa.Integer(), type_=sa.Text())  # expect: alter-column-type-rewrite, statements-after-exclusive-lock
    # No existing_type: the old type is not known, nothing is claimed.
    op.alter_column('feature', 'flag', type_=sa.Boolean())  # expect: alter-column-type-rewrite, statements-after-exclusive-lock


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('feature', 'rank', existing_type=sa.Integer(), type_=sa.String(10))  # expect: alter-column-type-rewrite
