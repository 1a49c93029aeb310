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
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from alembic import command  # noqa: E402
from alembic.script import ScriptDirectory  # noqa: E402
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


VERSION_ROW = re.compile(
    r"^(?:INSERT INTO alembic_version \(version_num\) VALUES \('(?P<insert>[^']+)'\)"
    r"(?: RETURNING alembic_version\.version_num)?"
    r"|DELETE FROM alembic_version WHERE alembic_version\.version_num = '(?P<delete>[^']+)'"
    r"|UPDATE alembic_version SET version_num='(?P<to>[^']+)' WHERE alembic_version\.version_num = '(?P<from>[^']+)');$"
)


def steps_of(script, rows=()):
    """An offline script as (heading, other statements, version rows after
    the step): the version-table statements replayed on a set of rows. At a
    merge Alembic picks which parent row to update and which to delete in
    Python set order (it varies between runs), so what is compared is the
    rows each step leaves. A statement on a row that is not there is an
    error in the script. `rows`: the table before it (the heads, for a
    downgrade)."""
    rows, steps, problems = set(rows), [], []
    heading, statements = "(start)", []
    for line in script.split("\n\n"):
        line = line.strip()
        if not line:
            continue
        if line.startswith("-- Running "):
            steps.append((heading, statements, sorted(rows)))
            heading, statements = line, []
            continue
        match = VERSION_ROW.match(line)
        if not match:
            statements.append(line)
        elif match["insert"]:
            if match["insert"] in rows:
                problems.append(f"{heading}: inserts {match['insert']} twice")
            rows.add(match["insert"])
        elif match["delete"]:
            if match["delete"] not in rows:
                problems.append(f"{heading}: deletes {match['delete']}, which is not there")
            rows.discard(match["delete"])
        else:
            if match["from"] not in rows:
                problems.append(f"{heading}: updates {match['from']}, which is not there")
            rows.discard(match["from"])
            rows.add(match["to"])
    steps.append((heading, statements, sorted(rows)))
    return steps, problems


def write_history(folder, revisions):
    """Revision files: (id, down_revision, depends_on, branch_labels)."""
    for rev, down, depends, labels in revisions:
        (folder / f"{rev}_step.py").write_text(
            f'"""step {rev}\n\nRevision ID: {rev}\n"""\nfrom alembic import op\nimport sqlalchemy as sa\n\n'
            f"revision = {rev!r}\ndown_revision = {down!r}\nbranch_labels = {labels!r}\ndepends_on = {depends!r}\n\n\n"
            f"def upgrade():\n    op.create_table('t_{rev}', sa.Column('id', sa.Integer(), nullable=False))\n\n\n"
            f"def downgrade():\n    op.drop_table('t_{rev}')\n"
        )


def populate(versions, source):
    """A history into the versions folder: generated (a list) or copied."""
    if isinstance(source, list):
        write_history(versions, source)
    else:
        for f in source.glob("*.py"):
            shutil.copy(f, versions / f.name)


# Two bases, a branch point, a labelled branch, a dependency across
# branches, a three-way merge, and a head left unmerged. (A merge that also
# names an ancestor of another of its parents makes Alembic itself fail
# with a KeyError, so none does here.)
GENERATED = [
    ("a1", None, None, None),
    ("b1", "a1", None, None),
    ("c1", "a1", None, ("side",)),
    ("d1", "b1", "c1", None),
    ("e1", None, None, ("other",)),
    ("f1", ("d1", "e1", "g1"), None, None),
    ("g1", "b1", None, None),
    ("h1", "b1", None, None),
]


def check_history(retort, name, source):
    """`retort sql` on a versions folder equals `alembic upgrade heads
    --sql` and `alembic downgrade heads:base --sql` on it, step by step."""
    problems = []
    model = HERE.parents[1] / "tests" / "fixtures" / "pairs" / "01_create_table" / "after.py"
    with scripts(URL, model) as (config, versions):
        populate(versions, source)
        files = sorted(str(f) for f in versions.glob("*.py"))
        # Alembic's offline downgrade starts from one revision only.
        heads = ScriptDirectory.from_config(config).get_heads()
        for direction in ("upgrade", "downgrade") if len(heads) == 1 else ("upgrade",):
            buffer = io.StringIO()
            config.output_buffer = buffer
            if direction == "upgrade":
                command.upgrade(config, "heads", sql=True)
            else:
                command.downgrade(config, "heads:base", sql=True)
            truth = buffer.getvalue()
            start = heads if direction == "downgrade" else ()
            ours = subprocess.run([retort, "sql", *files] + (["--downgrade"] if direction == "downgrade" else []),
                                  capture_output=True, text=True)
            if ours.returncode != 0:
                problems.append(f"{name} {direction}: retort exited {ours.returncode}: {ours.stderr}")
            want, bad_truth = steps_of(truth, start)
            got, bad_ours = steps_of(ours.stdout, start)
            problems.extend(f"{name} {direction} (alembic): {p}" for p in bad_truth)
            problems.extend(f"{name} {direction} (retort): {p}" for p in bad_ours)
            if want != got:
                diff = difflib.unified_diff([repr(s) for s in want], [repr(s) for s in got],
                                            f"alembic {direction} --sql", "retort", lineterm="")
                problems.append("\n".join(diff))
    return problems


# Alembic's targets, as `alembic upgrade TARGET --sql` / `alembic downgrade
# FROM:TO --sql` take them; REV is a revision of the history, LABEL a branch
# label when it has one.
UPGRADE_TARGETS = ["head", "heads", "+1", "+2", "{first}", "{first}+1", "{first}:heads", "{first}:{last}",
                   "base:+1", "{label}@head", "{last}", "-1", "nosuchrev"]
DOWNGRADE_TARGETS = ["{last}:base", "{last}:-1", "{last}:{first}", "heads:base", "{last}:-2", "head:{first}",
                     "-1", "{last}:nosuchrev"]


def same_steps(script_dir, target, direction, truth, ours):
    """Whether two scripts differ only where Alembic's own order varies (the
    version rows at a merge, in Python set order): the same steps, leaving
    the same rows."""
    start = target.split(":")[0] if ":" in target else None
    rows = [] if start in (None, "base") else [r.revision for r in script_dir.get_revisions(start)]
    want, bad_truth = steps_of(truth, rows)
    got, bad_ours = steps_of(ours, rows)
    return want == got and not bad_truth and not bad_ours


def check_targets(retort, name, source):
    """`retort upgrade/downgrade TARGET --sql --versions DIR` prints byte
    for byte what Alembic prints for each target form, or fails where it
    fails."""
    problems = []
    model = HERE.parents[1] / "tests" / "fixtures" / "pairs" / "01_create_table" / "after.py"
    with scripts(URL, model) as (config, versions):
        populate(versions, source)
        script_dir = ScriptDirectory.from_config(config)
        order = [r.revision for r in reversed(list(script_dir.walk_revisions()))]
        labels = [label for r in script_dir.walk_revisions() for label in r.branch_labels]
        values = {"first": order[0], "last": order[-1], "label": labels[0] if labels else order[-1]}
        compared = 0
        for direction, targets in (("upgrade", UPGRADE_TARGETS), ("downgrade", DOWNGRADE_TARGETS)):
            for form in targets:
                target = form.format(**values)
                buffer = io.StringIO()
                config.output_buffer = buffer
                try:
                    getattr(command, direction)(config, target, sql=True)
                    truth, error = buffer.getvalue(), None
                except Exception as e:  # noqa: BLE001 - compared with retort's failure
                    truth, error = None, f"{type(e).__name__}: {e}"
                ours = subprocess.run([retort, direction, target, "--sql", "--versions", str(versions)],
                                      capture_output=True, text=True)
                compared += 1
                if error is not None:
                    if ours.returncode == 0:
                        problems.append(f"{name}: {direction} {target}: Alembic fails ({error}), retort prints SQL")
                elif ours.returncode != 0:
                    problems.append(f"{name}: {direction} {target}: retort fails: {ours.stderr.strip()[:300]}")
                elif ours.stdout != truth and not same_steps(script_dir, target, direction, truth, ours.stdout):
                    diff = difflib.unified_diff(truth.splitlines(), ours.stdout.splitlines(),
                                                f"alembic {direction} {target} --sql", "retort", lineterm="")
                    problems.append("\n".join(list(diff)[:40]))
        print(f"  {name}: {compared} target forms compared")
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
    histories = [("history: tests/fixtures/history/branched", HERE.parents[1] / "tests" / "fixtures" / "history" / "branched"),
                 ("history: two bases, depends_on, a three-way merge, two heads (upgrade)", GENERATED),
                 ("history: the same with one head (both ways)", GENERATED[:-1])]
    for name, source in histories:
        report(name, check_history(args.retort, name, source), failed)
    targeted = histories + [(f"targets: {p.name}", p / "migrations" / "versions")
                            for p in sorted((HERE.parents[1] / "tests" / "fixtures" / "projects").iterdir())]
    for name, source in targeted:
        report(f"{name} (every target form)", check_targets(args.retort, name, source), failed)
    finish(3 * len(pairs) + len(histories) + len(targeted), failed,
           "retort's SQL is what `alembic upgrade/downgrade --sql` prints")


if __name__ == "__main__":
    main()
