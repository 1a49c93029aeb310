"""integer to boolean

Revision ID: 0134
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0134'
down_revision = '0000'
branch_labels = None
depends_on = None



def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('feature', 'enabled', existing_type=sa.Integer(), type_=sa.Boolean())  # expect: alter-column-type-rewrite, alter-column-type-without-using


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('feature', 'enabled', existing_type=sa.Boolean(), type_=sa.Integer(), postgresql_using='enabled::integer')  # expect: alter-column-type-rewrite
