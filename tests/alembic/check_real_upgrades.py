"""retort's revision of real projects' models, as shipped on PyPI, runs
both ways on real Alembic and PostgreSQL.

For each model module: `retort revision` from an empty model to the
module's file (its imports followed); `alembic upgrade head` on an empty
database; `compare_metadata` against the MetaData that importing the
module builds must find nothing; every table gets seed rows;
`alembic downgrade base` must leave only `alembic_version`, and a second
`upgrade head` must again match the model.

    python check_real_upgrades.py --retort target/debug/retort

Runs in the venv of tests/sqlalchemy/projects.txt (`cargo xtask test`).
"""

import argparse
import importlib
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from autogen import scripts  # noqa: E402
from check_models import finish, report  # noqa: E402
from check_upgrades import ROWS, differences, seed_value  # noqa: E402
from dump_schema import load, metadatas  # noqa: E402
from pgcluster import Cluster  # noqa: E402

# Declarative with enums, declarative with TypeDecorators, Core tables.
MODULES = [
    "optuna.storages._rdb.models",
    "jupyterhub.orm",
    "dagster._core.storage.runs.schema",
]

EMPTY = "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"


def seed(url, mds):
    """Rows in every table that takes generic ones (parents first), each
    table in its own transaction: a project's own CHECK (optuna's
    `version_info_id = 1`) refuses some, and the rest are still seeded.
    Returns the rows inserted per table."""
    engine = sa.create_engine(url)
    counts = {}
    for md in mds:
        for table in md.sorted_tables:
            inserted = 0
            for i in range(1, ROWS + 1):
                row = {}
                for column in table.columns:
                    if column.computed is not None or column.identity is not None:
                        continue
                    if column.primary_key and column is table.autoincrement_column:
                        continue
                    value = i if column.foreign_keys else seed_value(column, i)
                    if value is not None or column.nullable:
                        row[column.key] = value
                try:
                    with engine.begin() as conn:
                        conn.execute(table.insert(), [row])
                    inserted += 1
                except sa.exc.DBAPIError:
                    pass
            counts[table.fullname] = inserted
    engine.dispose()
    return counts


def tables_left(url):
    engine = sa.create_engine(url)
    inspector = sa.inspect(engine)
    left = [t for schema in inspector.get_schema_names() if schema not in ("information_schema", "pg_catalog")
            for t in inspector.get_table_names(schema=schema) if t != "alembic_version"]
    enums = [e["name"] for e in inspector.get_enums(schema="*")]
    engine.dispose()
    return left, enums


def run(cluster, module, retort):
    name = module.replace(".", "_")
    url = cluster.create_database("real_" + name)
    path = importlib.import_module(module).__file__
    mds = metadatas(load(module))
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.py"
        empty.write_text(EMPTY)
        with scripts(url, module) as (config, versions):
            written = subprocess.run([retort, "revision", "--from", str(empty), "--to", path, "-m", module,
                                      "--rev-id", "0123456789ab", "--versions", str(versions)],
                                     capture_output=True, text=True)
            if written.returncode != 0:
                return [f"retort revision exited {written.returncode}: {written.stderr}"]
            try:
                command.upgrade(config, "head")
            except Exception as error:  # noqa: BLE001 - reported per module
                return [f"upgrade failed: {error}"]
            problems = []
            diffs = differences(url, mds)
            if diffs:
                problems.append(f"after upgrade, the database differs from the model: {diffs}")
            try:
                seeded = seed(url, mds)
            except Exception as error:  # noqa: BLE001
                problems.append(f"seeding failed: {error}")
                seeded = {}
            try:
                command.downgrade(config, "base")
            except Exception as error:  # noqa: BLE001
                return problems + [f"downgrade failed with {sum(seeded.values())} rows: {error}"]
            left, enums = tables_left(url)
            if left or enums:
                problems.append(f"after downgrade, left behind: tables {left}, enums {enums}")
            try:
                command.upgrade(config, "head")
            except Exception as error:  # noqa: BLE001
                return problems + [f"second upgrade failed: {error}"]
            diffs = differences(url, mds)
            if diffs:
                problems.append(f"after the second upgrade, the database differs from the model: {diffs}")
            print(f"     {module}: {sum(len(md.tables) for md in mds)} tables, {sum(seeded.values())} rows seeded")
            return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    args = parser.parse_args()
    failed = []
    with Cluster(HERE.parents[1] / "target" / "pg-real-upgrades") as cluster:
        for module in MODULES:
            report(module, run(cluster, module, args.retort), failed)
    finish(len(MODULES), failed, "real projects' revisions run both ways on PostgreSQL")


if __name__ == "__main__":
    main()
