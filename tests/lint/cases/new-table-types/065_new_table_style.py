"""new table style

Revision ID: 0065
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0065'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.create_table('profile',  # expect: prefer-bigint-over-int, prefer-identity-over-serial, prefer-text-over-varchar, prefer-jsonb-over-json, prefer-timestamptz
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('handle', sa.String(length=30), nullable=False),
        sa.Column('settings', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('profile')  # expect: missing-lock-timeout
