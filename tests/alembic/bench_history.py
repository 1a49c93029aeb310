"""The peer for `cargo bench --bench history`: real Alembic reads a
versions folder and walks it as `alembic history` does (load every
revision file, build the revision map, `walk_revisions`, `cmd_format`).

    python bench_history.py RUNS VERSIONS_DIR

Prints the median time in ms.
"""

import statistics
import sys
import time

from alembic.script import ScriptDirectory


def main():
    runs, versions = int(sys.argv[1]), sys.argv[2]
    samples = []
    for _ in range(runs):
        # Each run loads every file afresh, as a new `alembic history` does.
        started = time.perf_counter()
        script = ScriptDirectory(versions, version_locations=[versions])
        lines = [sc.cmd_format(False, include_branches=True, include_doc=True, include_parents=True)
                 for sc in script.walk_revisions()]
        samples.append((time.perf_counter() - started) * 1000)
        assert lines
    print(statistics.median(samples))


if __name__ == "__main__":
    main()
