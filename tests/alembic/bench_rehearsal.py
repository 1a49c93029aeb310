"""The peer for the rehearsal benchmark: a chain of N revisions (the first
creates a table, each next adds a column to it) written to a versions
folder, and real Alembic running `upgrade head` then `downgrade base` on
PostgreSQL (a local server, started here), RUNS times.

    python bench_rehearsal.py RUNS N FOLDER

Writes the revision files into FOLDER (the playground's benchmark loads
the same files) and prints the median milliseconds of the upgrade and of
the downgrade, as JSON.
"""

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from pgcluster import Cluster  # noqa: E402

ENV = '''
from alembic import context
from sqlalchemy import engine_from_config, pool
config = context.config
engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                            poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
'''


def revision(i, n):
    rev = f"{i:012x}"
    down = "None" if i == 1 else repr(f"{i - 1:012x}")
    if i == 1:
        up = "op.create_table('t', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))"
        back = "op.drop_table('t')"
    else:
        up = f"op.add_column('t', sa.Column('c{i}', sa.Integer(), nullable=True))"
        back = f"op.drop_column('t', 'c{i}')"
    return rev, (f'"""step {i} of {n}\n\nRevision ID: {rev}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
                 f"revision = '{rev}'\ndown_revision = {down}\nbranch_labels = None\ndepends_on = None\n\n\n"
                 f"def upgrade():\n    {up}\n\n\ndef downgrade():\n    {back}\n")


def main():
    runs, n, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(1, n + 1):
        rev, text = revision(i, n)
        (folder / f"{rev}_step_{i}.py").write_text(text)
    up, down = [], []
    with Cluster(HERE.parents[1] / "target" / "pg-bench-rehearsal") as cluster, \
            tempfile.TemporaryDirectory() as scripts:
        url = cluster.create_database("chain")
        shutil.copytree(folder, Path(scripts) / "versions")
        (Path(scripts) / "env.py").write_text(ENV)
        config = Config()
        config.set_main_option("script_location", scripts)
        config.set_main_option("sqlalchemy.url", url)
        for _ in range(runs):
            started = time.perf_counter()
            command.upgrade(config, "head")
            up.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            command.downgrade(config, "base")
            down.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"upgrade": statistics.median(up), "downgrade": statistics.median(down)}))


if __name__ == "__main__":
    main()
