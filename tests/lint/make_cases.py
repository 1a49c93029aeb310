import os, textwrap
OUT = "/work/main/tests/lint/cases"
for f in os.listdir(OUT): os.remove(os.path.join(OUT, f))
HEAD = '''"""{msg}

Revision ID: {rev}
Revises: {down}
Create Date: 2026-11-24 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '{rev}'
down_revision = {downrepr}
branch_labels = None
depends_on = None


def upgrade():
{up}


def downgrade():
{down_body}
'''
n = 0
LT = "op.execute(\"SET lock_timeout = '5s'\")\n"
def py(name, up, down="op.execute(\"SELECT 1\")", msg=None, settings=None, lt=True, down_rev="'0000'"):
    global n
    n += 1
    body = (LT if lt else "") + textwrap.dedent(up).strip("\n")
    text = HEAD.format(msg=msg or name.replace("_", " "), rev=f"{n:04d}", down=down_rev.strip("'()") , downrepr=down_rev,
                       up=textwrap.indent(body, "    "), down_body=textwrap.indent(textwrap.dedent(down).strip("\n"), "    "))
    if settings:
        text = f"# lint: {settings}\n" + text
    if textwrap.dedent(down).strip().startswith("pass") and up.strip() != "pass":
        text = text.replace("def downgrade():", "def downgrade():" + E("missing-downgrade"), 1)
    open(f"{OUT}/{n:03d}_{name}.py", "w").write(text)
def sql(name, text, settings=None):
    global n
    n += 1
    text = textwrap.dedent(text).strip("\n") + "\n"
    if settings:
        text = f"-- lint: {settings}\n" + text
    open(f"{OUT}/{n:03d}_{name}.sql", "w").write(text)
E = lambda *ids: "  # expect: " + ", ".join(ids)
S = lambda *ids: "  -- expect: " + ", ".join(ids)

# --- add-not-null-column-without-default
py("add_not_null_column", f"""
op.add_column('account', sa.Column('plan', sa.Text(), nullable=False)){E('add-not-null-column-without-default')}
""", "op.drop_column('account', 'plan')")
sql("add_not_null_column", f"""
SET lock_timeout = '5s';
ALTER TABLE account ADD COLUMN plan text NOT NULL;{S('add-not-null-column-without-default')}
""")
py("add_not_null_column_with_default_safe", """
op.add_column('account', sa.Column('plan', sa.Text(), server_default='free', nullable=False))
""", "op.drop_column('account', 'plan')")
py("add_not_null_column_on_new_table_safe", """
op.create_table('plan', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
op.add_column('plan', sa.Column('name', sa.Text(), nullable=False))
""", "op.drop_table('plan')")
py("add_identity_column_not_flagged_as_not_null", f"""
op.add_column('event', sa.Column('seq', sa.BigInteger(), sa.Identity(), nullable=False)){E('add-column-volatile-default') if False else ''}
""", "op.drop_column('event', 'seq')")
# --- three-step pattern, all safe
py("three_step_add_nullable_safe", """
op.add_column('account', sa.Column('plan', sa.Text(), nullable=True))
""", "op.drop_column('account', 'plan')")
py("three_step_backfill_safe", """
op.execute("UPDATE account SET plan = 'free' WHERE plan IS NULL")
""", "pass  # data only")
# --- set-not-null
py("set_not_null", f"""
op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=False){E('set-not-null')}
""", "op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=True)")
sql("set_not_null", f"""
SET lock_timeout = '5s';
ALTER TABLE account ALTER COLUMN plan SET NOT NULL;{S('set-not-null')}
""")
py("set_not_null_after_validated_check_safe", """
op.create_check_constraint('ck_plan_nn', 'account', 'plan IS NOT NULL', postgresql_not_valid=True)
with op.get_context().autocommit_block():
    op.execute('ALTER TABLE account VALIDATE CONSTRAINT ck_plan_nn')
op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=False)
op.drop_constraint('ck_plan_nn', 'account', type_='check')
""", "op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=True)")
py("set_not_null_after_validated_check_pg11", f"""
op.create_check_constraint('ck_plan_nn', 'account', 'plan IS NOT NULL', postgresql_not_valid=True)
with op.get_context().autocommit_block():
    op.execute('ALTER TABLE account VALIDATE CONSTRAINT ck_plan_nn')
op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=False){E('set-not-null')}
""", "op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=True)", settings="postgres=11")
sql("set_not_null_after_validated_check_safe", """
SET lock_timeout = '5s';
ALTER TABLE account ADD CONSTRAINT ck_plan_nn CHECK (plan IS NOT NULL) NOT VALID;
ALTER TABLE account VALIDATE CONSTRAINT ck_plan_nn;
ALTER TABLE account ALTER COLUMN plan SET NOT NULL;
ALTER TABLE account DROP CONSTRAINT ck_plan_nn;
""")
py("drop_not_null_safe", """
op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=True)
""", "op.alter_column('account', 'plan', existing_type=sa.Text(), nullable=False)")
# --- volatile default
py("add_column_volatile_default", f"""
op.add_column('event', sa.Column('uid', sa.Uuid(), server_default=sa.text('gen_random_uuid()'), nullable=True)){E('add-column-volatile-default')}
""", "op.drop_column('event', 'uid')")
sql("add_column_volatile_default", f"""
SET lock_timeout = '5s';
ALTER TABLE event ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();{S('add-column-volatile-default')}
""")
py("add_column_now_default_safe", """
op.add_column('event', sa.Column('seen_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False))
""", "op.drop_column('event', 'seen_at')")
py("add_column_constant_default_pg10", f"""
op.add_column('event', sa.Column('kind', sa.Text(), server_default='a', nullable=False)){E('add-column-volatile-default')}
""", "op.drop_column('event', 'kind')", settings="postgres=10")
# --- stored generated
py("add_column_stored_generated", f"""
op.add_column('item', sa.Column('total', sa.Numeric(), sa.Computed('price * qty'), nullable=True)){E('add-column-stored-generated')}
""", "op.drop_column('item', 'total')")
sql("add_column_stored_generated", f"""
SET lock_timeout = '5s';
ALTER TABLE item ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;{S('add-column-stored-generated')}
""")
# --- create index
py("create_index", f"""
op.create_index('ix_event_account_id', 'event', ['account_id']){E('create-index-non-concurrently')}
""", "op.drop_index('ix_event_account_id', table_name='event')")
sql("create_index", f"""
SET lock_timeout = '5s';
CREATE INDEX ix_event_account_id ON event (account_id);{S('create-index-non-concurrently')}
""")
py("create_index_concurrently_safe", """
with op.get_context().autocommit_block():
    op.create_index('ix_event_account_id', 'event', ['account_id'], postgresql_concurrently=True)
""", """
with op.get_context().autocommit_block():
    op.drop_index('ix_event_account_id', table_name='event', postgresql_concurrently=True)
""")
sql("create_index_concurrently_safe", """
CREATE INDEX CONCURRENTLY ix_event_account_id ON event (account_id);
""")
py("create_index_on_new_table_safe", """
op.create_table('tag', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.Column('name', sa.Text(), nullable=False), sa.PrimaryKeyConstraint('id'))
op.create_index('ix_tag_name', 'tag', ['name'], unique=True)
""", "op.drop_table('tag')")
py("create_index_in_batch", f"""
with op.batch_alter_table('event', schema=None) as batch_op:
    batch_op.create_index(batch_op.f('ix_event_kind'), ['kind'], unique=False){E('create-index-non-concurrently')}
""", """
with op.batch_alter_table('event', schema=None) as batch_op:
    batch_op.drop_index(batch_op.f('ix_event_kind'))
""")
py("create_index_in_execute", f"""
op.execute("CREATE UNIQUE INDEX ix_account_email ON account (lower(email))"){E('create-index-non-concurrently')}
""", "op.execute('DROP INDEX ix_account_email')")
# --- drop index
py("drop_index", f"""
op.drop_index('ix_event_kind', table_name='event'){E('drop-index-non-concurrently')}
""", "op.create_index('ix_event_kind', 'event', ['kind'])")
sql("drop_index", f"""
SET lock_timeout = '5s';
DROP INDEX IF EXISTS ix_event_kind;{S('drop-index-non-concurrently')}
""")
sql("drop_index_concurrently_safe", """
DROP INDEX CONCURRENTLY IF EXISTS ix_event_kind;
""")
# --- concurrently in transaction
py("concurrently_in_transaction", f"""
op.create_index('ix_a', 'account', ['email'], postgresql_concurrently=True){E('concurrently-in-transaction')}
""", "op.drop_index('ix_a', table_name='account')")
sql("concurrently_in_transaction", f"""
BEGIN;
CREATE INDEX CONCURRENTLY ix_a ON account (email);{S('concurrently-in-transaction')}
COMMIT;
""")
sql("concurrently_assumed_transaction", f"""
CREATE INDEX CONCURRENTLY ix_a ON account (email);{S('concurrently-in-transaction')}
""", settings="assume-in-transaction")
py("reindex_concurrently_in_transaction", f"""
op.execute('REINDEX INDEX CONCURRENTLY ix_a'){E('concurrently-in-transaction')}
""", "pass  # nothing to undo")
# --- foreign keys
py("add_foreign_key", f"""
op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id']){E('add-foreign-key-validating', 'foreign-key-without-index')}
""", "op.drop_constraint('fk_event_account', 'event', type_='foreignkey')")
sql("add_foreign_key", f"""
SET lock_timeout = '5s';
ALTER TABLE event ADD CONSTRAINT fk_event_account FOREIGN KEY (account_id) REFERENCES account (id);{S('add-foreign-key-validating', 'foreign-key-without-index')}
""")
py("add_foreign_key_not_valid_safe", """
with op.get_context().autocommit_block():
    op.create_index('ix_event_account_id', 'event', ['account_id'], postgresql_concurrently=True)
op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id'], postgresql_not_valid=True)
""", "op.drop_constraint('fk_event_account', 'event', type_='foreignkey')")
sql("add_foreign_key_not_valid_safe", """
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY ix_event_account_id ON event (account_id);
ALTER TABLE event ADD CONSTRAINT fk_event_account FOREIGN KEY (account_id) REFERENCES account (id) NOT VALID;
""")
sql("add_column_references", f"""
SET lock_timeout = '5s';
ALTER TABLE event ADD COLUMN owner_id bigint REFERENCES account (id);{S('add-foreign-key-validating', 'foreign-key-without-index')}
""")
py("validate_separately_safe", """
op.execute('ALTER TABLE event VALIDATE CONSTRAINT fk_event_account')
""", "pass  # validation has no inverse")
py("validate_in_same_transaction", f"""
op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id'], postgresql_not_valid=True){E('foreign-key-without-index')}
op.execute('ALTER TABLE event VALIDATE CONSTRAINT fk_event_account'){E('validate-in-same-transaction')}
""", "op.drop_constraint('fk_event_account', 'event', type_='foreignkey')")
sql("validate_in_same_transaction", f"""
BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE item ADD CONSTRAINT ck_price CHECK (price > 0) NOT VALID;
ALTER TABLE item VALIDATE CONSTRAINT ck_price;{S('validate-in-same-transaction', 'statements-after-exclusive-lock')}
COMMIT;
""")
sql("validate_after_commit_safe", """
BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE item ADD CONSTRAINT ck_price CHECK (price > 0) NOT VALID;
COMMIT;
ALTER TABLE item VALIDATE CONSTRAINT ck_price;
""")
py("new_table_with_foreign_key_and_index_safe", """
op.create_table('comment',
    sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
    sa.Column('post_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id']),
    sa.PrimaryKeyConstraint('id')
)
op.create_index('ix_comment_post_id', 'comment', ['post_id'])
""", "op.drop_table('comment')")
py("new_table_with_foreign_key_no_index", f"""
op.create_table('comment',{E('foreign-key-without-index')}
    sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
    sa.Column('post_id', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['post.id']),
    sa.PrimaryKeyConstraint('id')
)
""", "op.drop_table('comment')")
# --- check constraints
py("add_check", f"""
op.create_check_constraint('ck_price_positive', 'item', 'price > 0'){E('add-check-validating')}
""", "op.drop_constraint('ck_price_positive', 'item', type_='check')")
sql("add_check", f"""
SET lock_timeout = '5s';
ALTER TABLE item ADD CONSTRAINT ck_price_positive CHECK (price > 0);{S('add-check-validating')}
""")
py("add_check_not_valid_safe", """
op.create_check_constraint('ck_price_positive', 'item', 'price > 0', postgresql_not_valid=True)
""", "op.drop_constraint('ck_price_positive', 'item', type_='check')")
# --- unique / pk / exclude
py("add_unique_constraint", f"""
op.create_unique_constraint('uq_account_email', 'account', ['email']){E('add-unique-constraint')}
""", "op.drop_constraint('uq_account_email', 'account', type_='unique')")
sql("add_unique_constraint", f"""
SET lock_timeout = '5s';
ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE (email);{S('add-unique-constraint')}
""")
py("unique_using_index_safe", """
with op.get_context().autocommit_block():
    op.create_index('uq_account_email', 'account', ['email'], unique=True, postgresql_concurrently=True)
op.execute('ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE USING INDEX uq_account_email')
""", "op.drop_constraint('uq_account_email', 'account', type_='unique')")
sql("unique_using_index_safe", """
SET lock_timeout = '5s';
CREATE UNIQUE INDEX CONCURRENTLY uq_account_email ON account (email);
ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE USING INDEX uq_account_email;
""")
py("add_primary_key", f"""
op.create_primary_key('pk_event', 'event', ['id']){E('add-primary-key')}
""", "op.drop_constraint('pk_event', 'event', type_='primary')")
sql("add_primary_key", f"""
SET lock_timeout = '5s';
ALTER TABLE event ADD PRIMARY KEY (id);{S('add-primary-key')}
""")
sql("add_exclude_constraint", f"""
SET lock_timeout = '5s';
ALTER TABLE booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);{S('add-exclude-constraint')}
""")
# --- type changes
py("alter_type_int_to_bigint", f"""
op.alter_column('account', 'id', existing_type=sa.Integer(), type_=sa.BigInteger()){E('alter-column-type-rewrite')}
""", "op.alter_column('account', 'id', existing_type=sa.BigInteger(), type_=sa.Integer())")
sql("alter_type_unknown_old_type", f"""
SET lock_timeout = '5s';
ALTER TABLE account ALTER COLUMN id TYPE bigint;{S('alter-column-type-rewrite')}
""")
py("varchar_widened_no_rewrite", f"""
op.alter_column('account', 'email', existing_type=sa.VARCHAR(length=100), type_=sa.String(length=200)){E('prefer-text-over-varchar')}
""", "op.alter_column('account', 'email', existing_type=sa.String(length=200), type_=sa.VARCHAR(length=100))")
py("varchar_narrowed", f"""
op.alter_column('account', 'email', existing_type=sa.VARCHAR(length=200), type_=sa.String(length=100)){E('alter-column-type-rewrite', 'prefer-text-over-varchar')}
""", "op.alter_column('account', 'email', existing_type=sa.String(length=100), type_=sa.VARCHAR(length=200))")
py("varchar_to_text_safe", """
op.alter_column('account', 'email', existing_type=sa.VARCHAR(length=200), type_=sa.Text())
""", "op.alter_column('account', 'email', existing_type=sa.Text(), type_=sa.VARCHAR(length=200))")
py("numeric_precision_raised_safe", """
op.alter_column('item', 'price', existing_type=sa.Numeric(precision=10, scale=2), type_=sa.Numeric(precision=12, scale=2))
""", "op.alter_column('item', 'price', existing_type=sa.Numeric(precision=12, scale=2), type_=sa.Numeric(precision=10, scale=2))")
py("numeric_scale_changed", f"""
op.alter_column('item', 'price', existing_type=sa.Numeric(precision=10, scale=2), type_=sa.Numeric(precision=12, scale=4)){E('alter-column-type-rewrite')}
""", "op.alter_column('item', 'price', existing_type=sa.Numeric(precision=12, scale=4), type_=sa.Numeric(precision=10, scale=2))")
py("timestamp_to_timestamptz", f"""
op.alter_column('event', 'at', existing_type=sa.DateTime(), type_=sa.DateTime(timezone=True)){E('alter-column-type-rewrite')}
""", "op.alter_column('event', 'at', existing_type=sa.DateTime(timezone=True), type_=sa.DateTime())")
py("timestamp_to_timestamptz_in_utc_safe", """
op.execute("SET TIME ZONE 'UTC'")
op.alter_column('event', 'at', existing_type=sa.DateTime(), type_=sa.DateTime(timezone=True))
""", "op.alter_column('event', 'at', existing_type=sa.DateTime(timezone=True), type_=sa.DateTime())")
sql("cidr_to_inet_safe", """
SET lock_timeout = '5s';
CREATE TABLE host (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, net cidr);
ALTER TABLE host ALTER COLUMN net TYPE inet;
""")
# --- prefer-*
py("new_table_style", f"""
op.create_table('profile',{E('prefer-bigint-over-int', 'prefer-identity-over-serial', 'prefer-text-over-varchar', 'prefer-jsonb-over-json', 'prefer-timestamptz')}
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle', sa.String(length=30), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
""", "op.drop_table('profile')")
py("new_table_good_style_safe", """
op.create_table('profile',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('handle', sa.Text(), nullable=False),
    sa.Column('settings', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
""", "op.drop_table('profile')")
sql("new_table_style", f"""
CREATE TABLE profile (id serial PRIMARY KEY, handle varchar(30) NOT NULL, settings json, created_at timestamp NOT NULL);{S('prefer-bigint-over-int', 'prefer-identity-over-serial', 'prefer-text-over-varchar', 'prefer-jsonb-over-json', 'prefer-timestamptz')}
""")
sql("new_table_good_style_safe", """
CREATE TABLE profile (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, handle text NOT NULL, settings jsonb, created_at timestamptz NOT NULL DEFAULT now());
""")
py("bigserial_key", f"""
op.create_table('log',{E('prefer-identity-over-serial')}
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
)
""", "op.drop_table('log')")
py("add_json_column", f"""
op.add_column('event', sa.Column('payload', sa.JSON(), nullable=True)){E('prefer-jsonb-over-json')}
""", "op.drop_column('event', 'payload')")
# --- drops and renames
py("drop_table", f"""
op.drop_table('legacy_event'){E('drop-table')}
""", "op.create_table('legacy_event', sa.Column('id', sa.BigInteger(), nullable=False), sa.PrimaryKeyConstraint('id'))")
sql("drop_table", f"""
SET lock_timeout = '5s';
DROP TABLE legacy_event;{S('drop-table')}
""")
py("create_and_drop_scratch_table_safe", """
op.create_table('scratch', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
op.drop_table('scratch')
""", "pass  # nothing left behind")
py("drop_column", f"""
op.drop_column('account', 'legacy_flag'){E('drop-column')}
""", "op.add_column('account', sa.Column('legacy_flag', sa.Boolean(), nullable=True))")
sql("drop_column", f"""
SET lock_timeout = '5s';
ALTER TABLE account DROP COLUMN legacy_flag;{S('drop-column')}
""")
py("rename_table", f"""
op.rename_table('customer', 'account'){E('rename-table')}
""", "op.rename_table('account', 'customer')")
sql("rename_table", f"""
SET lock_timeout = '5s';
ALTER TABLE customer RENAME TO account;{S('rename-table')}
""")
py("rename_column", f"""
op.alter_column('account', 'mail', new_column_name='email', existing_type=sa.Text()){E('rename-column')}
""", "op.alter_column('account', 'email', new_column_name='mail', existing_type=sa.Text())")
sql("rename_column", f"""
SET lock_timeout = '5s';
ALTER TABLE account RENAME COLUMN mail TO email;{S('rename-column')}
""")
# --- revision bodies
py("missing_downgrade_pass", """
op.add_column('account', sa.Column('note', sa.Text(), nullable=True))
""", "pass")
py("missing_downgrade_not_implemented", """
op.add_column('account', sa.Column('note', sa.Text(), nullable=True))
""", "raise NotImplementedError()")
py("empty_upgrade", "pass", "pass", lt=False)
py("merge_revision_safe", "pass", "pass", lt=False, down_rev="('0001', '0002')")
# fix expectations on def lines for the last three
import glob
for path, rule, fn in [(f"{OUT}/{n-2:03d}_missing_downgrade_not_implemented.py", "missing-downgrade", "downgrade"),
                       (f"{OUT}/{n-1:03d}_empty_upgrade.py", "empty-upgrade", "upgrade")]:
    s = open(path).read().replace(f"def {fn}():", f"def {fn}():{E(rule)}", 1)
    open(path, "w").write(s)

# --- lock timeout, statements after lock
py("missing_lock_timeout", f"""
op.add_column('account', sa.Column('note', sa.Text(), nullable=True)){E('missing-lock-timeout')}
op.add_column('account', sa.Column('other', sa.Text(), nullable=True))
""", "op.drop_column('account', 'other')\nop.drop_column('account', 'note')", lt=False)
sql("missing_lock_timeout", f"""
ALTER TABLE account ADD COLUMN note text;{S('missing-lock-timeout')}
""")
sql("lock_timeout_reset_by_commit", f"""
BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE account ADD COLUMN note text;
COMMIT;
ALTER TABLE account ADD COLUMN other text;{S('missing-lock-timeout')}
""")
py("lock_timeout_only_for_new_tables_safe", """
op.create_table('tag', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
""", "op.drop_table('tag')", lt=False)
py("statements_after_exclusive_lock", f"""
op.add_column('account', sa.Column('plan', sa.Text(), nullable=True))
op.execute("UPDATE account SET plan = 'free'"){E('statements-after-exclusive-lock')}
""", "op.drop_column('account', 'plan')")
sql("statements_after_exclusive_lock", f"""
BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE account RENAME COLUMN mail TO email;{S('rename-column')}
UPDATE event SET kind = 1 WHERE kind IS NULL;{S('statements-after-exclusive-lock')}
COMMIT;
""")
sql("update_in_own_transaction_safe", """
BEGIN;
UPDATE event SET kind = 1 WHERE kind IS NULL;
COMMIT;
""")
# --- enums
py("enum_add_value_pg11", f"""
op.execute("ALTER TYPE mood ADD VALUE 'meh'"){E('enum-add-value-in-transaction')}
""", "pass  # enum values cannot be removed", settings="postgres=11")
py("enum_add_value_pg12_safe", """
op.execute("ALTER TYPE mood ADD VALUE 'meh'")
""", "pass  # enum values cannot be removed", settings="postgres=12")
py("enum_add_value_autocommit_pg11_safe", """
with op.get_context().autocommit_block():
    op.execute("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh'")
""", "pass  # enum values cannot be removed", settings="postgres=11")
# --- banned / maintenance commands
py("truncate", f"""
op.execute('TRUNCATE TABLE event, audit CASCADE'){E('ban-truncate')}
""", "pass  # rows cannot be restored")
sql("truncate", f"""
TRUNCATE event;{S('ban-truncate', 'missing-lock-timeout')}
""")
sql("drop_database", f"""
DROP DATABASE staging;{S('ban-drop-database')}
""")
py("set_unlogged", f"""
op.execute('ALTER TABLE event SET UNLOGGED'){E('set-logged-unlogged')}
""", "op.execute('ALTER TABLE event SET LOGGED')")
sql("set_logged", f"""
SET lock_timeout = '5s';
ALTER TABLE event SET LOGGED;{S('set-logged-unlogged')}
""")
py("reindex", f"""
op.execute('REINDEX TABLE event'){E('reindex-non-concurrently')}
""", "pass  # nothing to undo")
sql("reindex_concurrently_safe", """
REINDEX INDEX CONCURRENTLY ix_event_kind;
""")
py("vacuum_full", f"""
with op.get_context().autocommit_block():
    op.execute('VACUUM FULL event'){E('vacuum-full')}
""", "pass  # nothing to undo")
sql("vacuum_plain_safe", """
VACUUM (VERBOSE, ANALYZE) event;
""")
# --- tricky
py("string_mentions_drop_table_safe", """
op.execute("UPDATE note SET body = 'DROP TABLE account; -- just text' WHERE id = 1")
""", "pass  # data only")
py("sql_comment_mentions_truncate_safe", """
op.execute(sa.text("-- TRUNCATE event would be wrong here\\nUPDATE event SET kind = 2 WHERE kind = 1"))
""", "op.execute(sa.text(\"UPDATE event SET kind = 1 WHERE kind = 2\"))")
py("several_statements_in_one_execute", f"""
op.execute({E('add-check-validating', 'create-index-non-concurrently', 'statements-after-exclusive-lock')}
    \"\"\"
    ALTER TABLE item ADD CONSTRAINT ck_qty CHECK (qty >= 0);
    CREATE INDEX ix_item_qty ON item (qty);
\"\"\")
""", "op.execute('DROP INDEX ix_item_qty')\nop.drop_constraint('ck_qty', 'item', type_='check')")
py("unparseable_sql_in_execute", """
op.execute("CREATE FUNKTION nope(")
""", "pass  # nothing to undo")
py("do_block_not_judged_safe", """
op.execute(\"\"\"
DO $$ BEGIN
    PERFORM 1;
END $$;
\"\"\")
""", "pass  # nothing to undo")
py("batch_drop_column", f"""
with op.batch_alter_table('account', schema=None) as batch_op:
    batch_op.drop_column('legacy_flag'){E('drop-column')}
    batch_op.alter_column('email', existing_type=sa.Text(), nullable=False){E('set-not-null', 'statements-after-exclusive-lock')}
""", """
with op.batch_alter_table('account', schema=None) as batch_op:
    batch_op.alter_column('email', existing_type=sa.Text(), nullable=True)
    batch_op.add_column(sa.Column('legacy_flag', sa.Boolean(), nullable=True))
""")
py("ops_on_renamed_new_table_safe", """
op.create_table('tmp_tag', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.PrimaryKeyConstraint('id'))
op.rename_table('tmp_tag', 'tag')
op.add_column('tag', sa.Column('name', sa.Text(), nullable=False))
op.create_index('ix_tag_name', 'tag', ['name'])
""", "op.drop_table('tag')")
sql("new_table_then_ddl_safe", """
CREATE TABLE tag (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
ALTER TABLE tag ALTER COLUMN name SET NOT NULL;
CREATE INDEX ix_tag_name ON tag (name);
ALTER TABLE tag ADD CONSTRAINT uq_tag_name UNIQUE (name);
""")
py("schema_qualified_ops", f"""
op.add_column('account', sa.Column('plan', sa.Text(), nullable=False), schema='billing'){E('add-not-null-column-without-default')}
op.create_index('ix_account_plan', 'account', ['plan'], schema='billing'){E('create-index-non-concurrently', 'statements-after-exclusive-lock')}
""", "op.drop_index('ix_account_plan', table_name='account', schema='billing')\nop.drop_column('account', 'plan', schema='billing')")
py("comment_only_safe", """
op.create_table_comment('account', 'people who pay', existing_comment=None)
op.alter_column('account', 'email', existing_type=sa.Text(), comment='login', existing_nullable=False)
""", "op.drop_table_comment('account', existing_comment='people who pay')")
py("enum_type_created_with_table_safe", """
mood = postgresql.ENUM('ok', 'meh', name='mood')
op.create_table('feeling', sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False), sa.Column('mood', sa.Enum('ok', 'meh', name='mood'), nullable=False), sa.PrimaryKeyConstraint('id'))
""", "op.drop_table('feeling')")
print(n)
