"""retort reads real projects' migration folders as Alembic does.

Pinned releases of projects that ship Alembic migrations inside their
packages are downloaded from PyPI (wheels, no dependencies; cached in
target/corpus/) and every `versions/` folder next to an `env.py` is read
twice: by real Alembic's ScriptDirectory (the ground truth: heads, bases,
and `alembic history` line by line, in order) and by `retort heads` /
`retort history`. Then `retort check` reads every file in full: zero
crashes, every file read, and the statements it cannot follow (helpers,
loops) exactly as many as the expectations below say.

Revision files are Python modules that import their project (some build
SQLAlchemy objects from its models at import time); Alembic executes them
to read `revision`, `down_revision`, `branch_labels`, `depends_on` and the
docstring. The projects are not installed (their dependencies would be
hundreds of MB), so the ground truth loads each file's module-level
literals instead of running it (`ast.literal_eval` of those assignments,
the real docstring); everything after that — the revision map, heads,
branch labels, the history order and its text — is Alembic's own code.

    python check_history.py --retort target/debug/retort
"""

import argparse
import ast
import io
import json
import time
from collections import Counter
import subprocess
import sys
import types
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from check_models import finish, report  # noqa: E402

# (PyPI requirement, {versions folder inside the wheel: statements retort
# cannot follow}). Counts are `warning: not read` lines of `retort check`;
# each of them, by file, line and reason, is listed in UNREAD (regenerate
# with --update after a change that makes retort follow more).
CORPUS = [
    # Conditions on the dialect, `conn = op.get_bind()` and data fixes,
    # helper functions, loops, op.bulk_insert (not read yet).
    ("apache-airflow-core==3.3.2", {"airflow/migrations/versions": 268}),
    ("mlflow-skinny==3.17.2", {"mlflow/store/db_migrations/versions": 151,
                               "mlflow/server/auth/db/migrations/versions": 20}),
    ("dagster==1.13.29", {"dagster/_core/storage/alembic/versions": 209}),
    ("buildbot==4.3.0", {"buildbot/db/migrations/versions": 9}),
    # Two heads (expand and contract branches, labelled), in subfolders.
    ("keystone==30.0.0", {"keystone/common/sql/migrations/versions": 11}),
    # retort's own fixture: a branch point, a labelled branch, a merge.
    (None, {"tests/fixtures/history/branched": 0}),
]


def literal_module(directory, filename):
    """What Alembic's `load_python_file` gives ScriptDirectory, from the
    file's literals: the module-level names it reads and the docstring."""
    path = Path(directory) / filename
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = types.ModuleType(path.stem)
    module.__doc__ = ast.get_docstring(tree, clean=False)
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        else:
            continue
        if target in ("revision", "down_revision", "branch_labels", "depends_on"):
            try:
                setattr(module, target, ast.literal_eval(value))
            except ValueError:
                pass
    return module


def download(requirement, cache):
    name = requirement.split("==")[0].replace("-", "_")
    found = list(cache.glob(f"{name}-*.whl")) + list(cache.glob(f"{name.lower()}-*.whl"))
    version = requirement.split("==")[1]
    found = [w for w in found if f"-{version}-" in w.name]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                        "--quiet", "--dest", str(cache), requirement], check=True)
        found = [w for w in cache.glob("*.whl") if f"-{version}-" in w.name
                 and w.name.lower().startswith(name.lower())]
    return found[0]


def extract(wheel, folder, into):
    """The wheel's files under `folder` → into/folder."""
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.startswith(folder + "/") and member.endswith(".py"):
                archive.extract(member, into)
    return into / folder


def alembic_truth(versions, recursive):
    from alembic.script import ScriptDirectory
    from alembic.script import base
    base.util.load_python_file = literal_module
    script = ScriptDirectory(str(versions.parent), version_locations=[str(versions)],
                             recursive_version_locations=recursive)
    with redirect_stdout(io.StringIO()):
        heads = list(script.get_heads())
        history = [sc.cmd_format(False, include_branches=True, include_doc=True, include_parents=True)
                   for sc in script.walk_revisions()]
    return heads, history


def synthetic(folder, count):
    """A generated history (the shape of `cargo bench --bench history`): a
    main line branching every 40 revisions into a side line of 8 that is
    merged back, a labelled revision in the middle."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.py"):
        old.unlink()
    n = 0
    main = None

    def write(down, label=None):
        nonlocal n
        rev = f"{(n * 0x9E3779B97F4A7C15 % 2**64) >> 16:012x}"
        down_repr = "None" if not down else repr(down[0]) if len(down) == 1 else repr(tuple(down))
        (folder / f"{rev}_step_{n}.py").write_text(
            f'"""step {n}\n\nRevision ID: {rev}\n"""\nrevision = {rev!r}\ndown_revision = {down_repr}\n'
            f"branch_labels = {(label,) if label else None!r}\ndepends_on = None\n\n\n"
            f"def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n")
        n += 1
        return rev

    while n < count:
        head = write([main] if main else [], "feature" if n == count // 2 else None)
        main = head
        if n % 40 == 0 and n + 16 < count:
            side = head
            for _ in range(8):
                side = write([side])
            line = head
            for _ in range(7):
                line = write([line])
            main = write([line, side])
    return folder


UNREAD = HERE / "corpus_unread.txt"


def unread_lines(stderr, versions, label):
    """`label path:line: reason` for each statement `retort check` could not
    follow, paths relative to the versions folder."""
    out = []
    for line in stderr.splitlines():
        if ": warning: not read: " not in line:
            continue
        where, reason = line.split(": warning: not read: ", 1)
        path, row, _col = where.rsplit(":", 2)
        out.append(f"{label} {Path(path).relative_to(versions)}:{row}: {reason}")
    return out


def retort(binary, *args):
    return subprocess.run([binary, *args], capture_output=True, text=True)


def lint_corpus(binary, versions, name, totals):
    """`retort lint` over a real versions folder: no crash, no internal
    error, every finding on a line the file has. Counts findings per rule."""
    problems = []
    started = time.perf_counter()
    lint = retort(binary, "lint", "--no-config", "--format", "json", str(versions))
    totals["seconds"] += time.perf_counter() - started
    totals["files"] += len([p for p in versions.rglob("*.py") if p.name != "__init__.py"])
    if lint.returncode not in (0, 1) or "panicked" in lint.stderr or "internal error" in lint.stderr:
        return [f"retort lint exited {lint.returncode}: {lint.stderr[-500:]}"]
    lines = {}
    for finding in json.loads(lint.stdout):
        path = Path(finding["path"])
        if path not in lines:
            lines[path] = path.read_text().count("\n") + 1 if path.is_file() else 0
        last = lines[path]
        if not (1 <= finding["line"] <= finding["end_line"] <= last):
            problems.append(f"{name}: {finding['rule']} at {path.name}:{finding['line']}-"
                            f"{finding['end_line']}, a file of {last} lines")
        totals["rules"][finding["rule"]] += 1
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("--update", action="store_true", help=f"rewrite {UNREAD.name}")
    args = parser.parse_args()
    expected_lines = UNREAD.read_text().splitlines() if UNREAD.exists() else []
    found_lines = []
    cache = ROOT / "target" / "corpus"
    cache.mkdir(parents=True, exist_ok=True)
    failed = []
    total = 0
    lint_totals = {"files": 0, "seconds": 0.0, "rules": Counter()}
    for requirement, folders in CORPUS:
        wheel = download(requirement, cache) if requirement else None
        for folder, expected_unread in folders.items():
            total += 1
            name = f"{requirement} {folder}" if requirement else folder
            versions = extract(wheel, folder, cache / wheel.stem) if wheel else ROOT / folder
            recursive = any(p.is_dir() for p in versions.iterdir())
            flags = ["--recursive"] if recursive else []
            problems = []
            heads, history = alembic_truth(versions, recursive)
            ours = retort(args.retort, "heads", str(versions), *flags)
            our_heads = [line.split(" ")[0] for line in ours.stdout.splitlines()]
            if ours.returncode != 0 or our_heads != heads:
                problems.append(f"heads: Alembic {heads}, retort {our_heads} (exit {ours.returncode}) {ours.stderr}")
            ours = retort(args.retort, "history", str(versions), *flags)
            lines = ours.stdout.splitlines()
            if ours.returncode != 0:
                problems.append(f"history exited {ours.returncode}: {ours.stderr}")
            if lines != history:
                wrong = next((i for i, (a, b) in enumerate(zip(history, lines)) if a != b), min(len(lines), len(history)))
                problems.append(f"history differs at line {wrong + 1} of {len(history)}:\n"
                                f"  alembic: {history[wrong] if wrong < len(history) else '(end)'}\n"
                                f"  retort:  {lines[wrong] if wrong < len(lines) else '(end)'}")
            check = retort(args.retort, "check", str(versions), "--heads", str(len(heads)), *flags)
            if "panicked" in check.stderr:
                problems.append(f"retort check panicked: {check.stderr}")
            unread = check.stderr.count("warning: not read")
            if expected_unread is not None and unread != expected_unread:
                problems.append(f"{unread} statements not read, expected {expected_unread}")
            label = f"{(requirement or 'fixture').split('==')[0]}:{folder}"
            listed = unread_lines(check.stderr, versions, label)
            found_lines += listed
            wanted = [line for line in expected_lines if line.startswith(label + " ")]
            if not args.update and listed != wanted:
                new = sorted(set(listed) - set(wanted))[:3]
                gone = sorted(set(wanted) - set(listed))[:3]
                problems.append(f"statements not read differ from {UNREAD.name}: new {new}, gone {gone}")
            files = len([p for p in versions.rglob("*.py") if p.name != "__init__.py"])
            print(f"     {name}: {files} files, {len(heads)} head(s), {unread} statements retort cannot follow")
            problems += lint_corpus(args.retort, versions, name, lint_totals)
            report(name, problems, failed)
    rules = lint_totals["rules"]
    print(f"     retort lint over the corpus: {lint_totals['files']} files, "
          f"{sum(rules.values())} findings, {lint_totals['seconds']:.2f} s")
    for rule, count in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"       {count:6}  {rule}")
    if args.update:
        UNREAD.write_text("".join(line + "\n" for line in found_lines))
    # A generated history with 12 merges and a labelled branch.
    total += 1
    versions = synthetic(cache / "synthetic-500", 500)
    heads, history = alembic_truth(versions, False)
    ours = retort(args.retort, "history", str(versions))
    problems = [] if ours.stdout.splitlines() == history else ["history differs from Alembic's"]
    report("synthetic, 500 revisions", problems, failed)
    # A 50 MB revision file: read to the end, its problem at its line.
    total += 1
    huge = cache / "huge"
    huge.mkdir(exist_ok=True)
    # A column dropped first: the empty downgrade leaves it unrestorable.
    lines = ['"""huge"""', "from alembic import op", "revision = 'big1'", "down_revision = None", "",
             "def upgrade():", "    op.drop_column('t', 'b')"]
    body = [f'    op.execute("UPDATE t SET a = 1 WHERE id = {n}")' for n in range(1_200_000)]
    text = "\n".join(lines + body + ["", "def downgrade():", "    pass", ""])
    (huge / "big1_huge.py").write_text(text)
    line = len(lines) + len(body) + 2
    ours = retort(args.retort, "check", str(huge))
    problems = []
    if ours.returncode != 1 or f"big1_huge.py:{line}:1: error: downgrade() is empty" not in ours.stderr:
        problems.append(f"expected the empty downgrade at line {line}, exit 1; got {ours.returncode}: {ours.stderr[-300:]}")
    if "panicked" in ours.stderr:
        problems.append("panicked")
    report(f"a {len(text) / 1e6:.0f} MB revision file", problems, failed)
    finish(total, failed, "migration folders read as Alembic reads them")


if __name__ == "__main__":
    main()
