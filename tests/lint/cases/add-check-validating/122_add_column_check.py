"""add column check

Revision ID: 0122
Revises: 0000
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0122'
down_revision = '0000'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("SET lock_timeout = '5s'")
    op.add_column('event', sa.Column('score', sa.Integer(), sa.CheckConstraint('score >= 0', name='ck_event_score'), nullable=True))  # expect: add-check-validating, statements-after-exclusive-lock


def downgrade():
    op.drop_column('event', 'score')  # expect: missing-lock-timeout
