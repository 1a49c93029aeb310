"""The peer for the offline-SQL part of `cargo bench --bench revisions`:
real `alembic upgrade --sql` on the same revision files retort reads (one
per fixture pair, written by the benchmark), timed the way a user runs it
(load the environment, read the script directory, render the SQL).

    python bench_offline_sql.py RUNS PAIR_DIR:REVISION_FILE...

Prints the sum over the pairs of each pair's median time, in ms.
"""

import io
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from alembic import command  # noqa: E402
from autogen import scripts  # noqa: E402

URL = "postgresql://offline@127.0.0.1/none"


def main():
    runs = int(sys.argv[1])
    total = 0.0
    for item in sys.argv[2:]:
        pair, revision = (Path(p) for p in item.split(":", 1))
        samples = []
        with scripts(URL, pair / "after.py") as (config, versions):
            shutil.copy(revision, versions / revision.name)
            for _ in range(runs):
                config.output_buffer = io.StringIO()
                started = time.perf_counter()
                command.upgrade(config, "head", sql=True)
                samples.append((time.perf_counter() - started) * 1000)
        total += statistics.median(samples)
    print(total)


if __name__ == "__main__":
    main()
