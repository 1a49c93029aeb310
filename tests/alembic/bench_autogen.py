"""The peer for `cargo bench --bench revisions`: real Alembic autogenerate
for the same fixture pairs, against a real PostgreSQL holding each before
model, timed the way a user runs it (`alembic revision --autogenerate`: load
the environment and the model, reflect, compare, render, write the file).

    python bench_autogen.py RUNS PAIR_DIR...

Prints the sum over the pairs of each pair's median time, in ms.
"""

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from alembic import command  # noqa: E402
from autogen import scripts  # noqa: E402
from check_roundtrip import create_all  # noqa: E402
from pgcluster import Cluster  # noqa: E402


def main():
    runs = int(sys.argv[1])
    pairs = [Path(p) for p in sys.argv[2:]]
    total = 0.0
    with Cluster(HERE.parents[1] / "target" / "pg-bench") as cluster:
        for pair in pairs:
            url = cluster.create_database("bench_" + pair.name)
            create_all(url, pair / "before.py")
            samples = []
            with scripts(url, pair / "after.py") as (config, versions):
                for i in range(runs):
                    started = time.perf_counter()
                    command.revision(config, message=pair.name, autogenerate=True, rev_id=f"{i:012x}")
                    samples.append((time.perf_counter() - started) * 1000)
                    for written in versions.glob("*.py"):
                        written.unlink()
            total += statistics.median(samples)
    print(total)


if __name__ == "__main__":
    main()
