"""set not null after validated check safe

Revision ID: 0010
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_check_constraint('ck_plan_nn', 'account', 'plan IS NOT NULL', postgresql_not_valid=True)
    with op.get_context().autocommit_block():
        op.execute('ALTER TABLE account VALIDATE CONSTRAINT ck_plan_nn')
    op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=False)
    op.drop_constraint('ck_plan_nn', 'account', type_='check')


def downgrade():
    op.execute("SET lock_timeout = '5s'")
    op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=True)
