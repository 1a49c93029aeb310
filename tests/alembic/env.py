"""Alembic environment for retort's ground-truth runs: the target metadata
is the model file named by RETORT_MODEL, compared with type and server
default comparison on (as retort's diff does)."""

import os
import sys

from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sqlalchemy"))
from dump_schema import load, metadatas  # noqa: E402

config = context.config
found = metadatas(load(os.environ["RETORT_MODEL"]))
target_metadata = found[0] if len(found) == 1 else found

OPTIONS = dict(target_metadata=target_metadata, compare_type=True, compare_server_default=True, include_schemas=True,
               # RETORT_BATCH=1: ops grouped in `with op.batch_alter_table(...)` blocks.
               render_as_batch=os.environ.get("RETORT_BATCH") == "1")


def include_name(name, type_, parent_names):
    # Schemas the model uses (and the default one); not PostgreSQL's own.
    if type_ == "schema":
        return name in (None, "public") or name in {
            t.schema for md in found for t in md.tables.values()
        }
    return True


def run_migrations_offline():
    # A `pyformat` dialect (every PostgreSQL driver's) prints each `%` in a
    # literal doubled, which PostgreSQL reads as two: named parameters do not.
    context.configure(dialect_name="postgresql", dialect_opts={"paramstyle": "named"}, literal_binds=True,
                      include_name=include_name, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, include_name=include_name, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
