"""Every fixture pair's revision, written by real Alembic autogenerate
(against a real PostgreSQL holding the before model) and by `retort
revision`, must be the same file, but for the Create Date line — twice:
as Alembic renders it by default, and with `render_as_batch=True`
(`retort revision --batch`).

    python check_revisions.py --retort target/debug/retort tests/fixtures/pairs

Exit status 0 when all pairs agree, 1 otherwise (with a diff per pair).
"""

import argparse
import difflib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from autogen import REV_ID, autogenerate, message_of  # noqa: E402
from check_models import finish, report  # noqa: E402
from pgcluster import Cluster  # noqa: E402


def without_date(text):
    return [line for line in text.splitlines() if not line.startswith("Create Date:")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("pairs")
    args = parser.parse_args()
    pairs = sorted(p for p in Path(args.pairs).iterdir() if (p / "after.py").exists())
    failed = []
    with Cluster(HERE.parents[1] / "target" / "pg-alembic") as cluster:
        for batch in (False, True):
            os.environ["RETORT_BATCH"] = "1" if batch else "0"
            out = HERE.parents[1] / "target" / ("alembic-batch" if batch else "alembic")
            out.mkdir(parents=True, exist_ok=True)
            for pair in pairs:
                alembic = autogenerate(cluster, pair, out).read_text()
                message = message_of(pair)
                run = subprocess.run(
                    [args.retort, "revision", "--from", str(pair / "before.py"), "--to", str(pair / "after.py"),
                     "-m", message, "--rev-id", REV_ID, "--no-safe"] + (["--batch"] if batch else []),
                    capture_output=True, text=True)
                problems = []
                # Notes and warnings (a rename suggestion) are fine; errors are not.
                if run.returncode != 0 or ": error:" in run.stderr:
                    problems.append(f"retort exited {run.returncode}\n{run.stderr}")
                ours = without_date(run.stdout)
                truth = without_date(alembic)
                if ours != truth:
                    problems.append("\n".join(difflib.unified_diff(truth, ours, "alembic", "retort", lineterm="")))
                report(pair.name + (" (batch)" if batch else ""), problems, failed)
    os.environ.pop("RETORT_BATCH", None)
    finish(2 * len(pairs), failed, "retort writes the revision Alembic writes (plain and render_as_batch)")


if __name__ == "__main__":
    main()
