"""retort's SQL for a revision equals what `alembic upgrade --sql` and
`alembic downgrade --sql` print for the same revision files.

For each fixture pair, in safe mode, with --no-safe, and with --no-safe
--batch (ops in `batch_alter_table` blocks, which PostgreSQL runs as plain
ALTERs): `retort revision`
writes the revision file(s) into a throwaway script directory, real Alembic
prints the offline upgrade (base to head) and downgrade (head to base)
scripts, and `retort revision --sql upgrade|downgrade` must print the same
text. Where Alembic cannot write the SQL (it stops with an error, e.g. a
`drop_constraint` of an unnamed constraint) retort must report an error too.
No database is needed (offline mode).

    python check_offline_sql.py --retort target/debug/retort tests/fixtures/pairs
"""

import argparse
import difflib
import io
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from alembic import command  # noqa: E402
from autogen import REV_ID, message_of, scripts  # noqa: E402
from check_models import finish, report  # noqa: E402
from check_upgrades import extra_args  # noqa: E402

# Offline mode reads no database; the URL only names the dialect.
URL = "postgresql://offline@127.0.0.1/none"


def alembic_sql(config, direction):
    """Alembic's offline script, or an `ERROR: ...` line when it fails."""
    buffer = io.StringIO()
    config.output_buffer = buffer
    try:
        if direction == "upgrade":
            command.upgrade(config, "head", sql=True)
        else:
            command.downgrade(config, "head:base", sql=True)
    except Exception as error:  # noqa: BLE001 - compared with retort's error
        return None, f"{type(error).__name__}: {error}"
    return buffer.getvalue(), None


def check(retort, pair, safe, batch=False):
    problems = []
    options = ([] if safe else ["--no-safe"]) + (["--batch"] if batch else []) + extra_args(pair, safe)
    base = [retort, "revision", "--from", str(pair / "before.py"), "--to", str(pair / "after.py"),
            "-m", message_of(pair), "--rev-id", REV_ID] + options
    with scripts(URL, pair / "after.py") as (config, versions):
        written = subprocess.run(base + ["--versions", str(versions)], capture_output=True, text=True)
        if written.returncode != 0:
            return [f"retort revision exited {written.returncode}: {written.stderr}"]
        files = sorted(str(f) for f in versions.glob("*.py"))
        runs = []
        for direction in ("upgrade", "downgrade"):
            truth, error = alembic_sql(config, direction)
            runs.append((direction, "from the models", truth, error,
                         subprocess.run(base + ["--sql", direction], capture_output=True, text=True)))
            read_back = [retort, "sql", *files] + (["--downgrade"] if direction == "downgrade" else [])
            runs.append((direction, "from the revision files", truth, error,
                         subprocess.run(read_back, capture_output=True, text=True)))
        for direction, source, truth, error, ours in runs:
            direction = f"{direction} ({source})"
            if error is not None:
                if ": error:" not in ours.stderr or ours.returncode != 1:
                    problems.append(f"{direction}: Alembic fails ({error}) but retort reported no error "
                                    f"(exit {ours.returncode}): {ours.stderr}")
                continue
            if ours.returncode != 0:
                problems.append(f"{direction}: retort exited {ours.returncode}: {ours.stderr}")
            if ours.stdout != truth:
                diff = difflib.unified_diff(truth.splitlines(), ours.stdout.splitlines(),
                                            f"alembic {direction} --sql", "retort", lineterm="")
                problems.append("\n".join(diff))
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("pairs")
    args = parser.parse_args()
    pairs = sorted(p for p in Path(args.pairs).iterdir() if (p / "after.py").exists())
    failed = []
    for pair in pairs:
        for safe, batch, mode in ((True, False, "safe"), (False, False, "no-safe"), (False, True, "no-safe, batch")):
            report(f"{pair.name} ({mode})", check(args.retort, pair, safe, batch), failed)
    finish(3 * len(pairs), failed, "retort's SQL is what `alembic upgrade/downgrade --sql` prints")


if __name__ == "__main__":
    main()
