"""ignore comments

Revision ID: 0114
Revises: 0000
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0114'
down_revision = '0000'
branch_labels = None
depends_on = None




def upgrade():
    op.execute("SET lock_timeout = '5s'")
    # retort: ignore[drop-column] -- users.fax unused since release 4.2
    op.drop_column('users', 'fax')
    op.drop_column('users', 'pager')  # retort: ignore[drop-column] -- unused since 4.2
    op.create_index('ix_users_email', 'users', ['email'])  # retort: ignore[drop-table] -- wrong rule  # expect: create-index-non-concurrently, statements-after-exclusive-lock, unused-ignore
    # A comment between the ignore and its op is allowed:
    # retort: ignore[rename-column] -- clients read both names since 5.0
    # (see the release notes)
    op.alter_column('users', 'nick', new_column_name='handle')
    op.drop_column('users', 'telex')  # retort: ignore[drop-colum] -- typo  # expect: drop-column, invalid-ignore
    op.drop_column('users', 'modem')  # retort: ignore[drop-column]  # expect: invalid-ignore
    op.drop_column('users', 'icq')  # retort: ignroe[drop-column] -- typo in the word  # expect: drop-column, invalid-ignore
    op.execute("SELECT '# retort: ignore[drop-table] -- in a string, not a comment'")
    op.drop_table('legacy')  # expect: drop-table


def downgrade():
    op.create_table('legacy', sa.Column('id', sa.Integer(), nullable=False))
    op.alter_column('users', 'handle', new_column_name='nick')  # expect: missing-lock-timeout
    for name in ('fax', 'pager', 'telex', 'modem', 'icq'):
        op.add_column('users', sa.Column(name, sa.Text(), nullable=True))
    op.drop_index('ix_users_email', table_name='users')  # expect: drop-index-non-concurrently
