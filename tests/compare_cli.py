#!/usr/bin/env python3
"""Runs two `retort` binaries on every input the repository holds and
reports any difference in what they print (stdout, stderr, exit code).

A change that reshapes the code without changing behaviour must leave
every output byte-identical:

    cargo build --release -p retort-cli && mkdir -p /tmp/old && cp target/release/retort /tmp/old/
    # ... change the code ...
    cargo build --release -p retort-cli
    python3 tests/compare_cli.py --old /tmp/old/retort --new target/release/retort

Inputs: the model and SQL fixtures (`schema` in every format), the model
pairs (`revision` in safe, plain, batch and SQL forms both ways), the
labelled lint cases (`lint` in every format, with `--locks`, `--fix` on
standard input, `sql` both ways), the history folders (`history`, `heads`,
`branches`, `show`, `check`), every rule's explanation, and the generated
benchmark scripts (`lint --format json`). The only text masked is the
creation date a new revision carries (it is the clock's). Both binaries
must be named `retort` (clap prints the name in usage errors).
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CASES = ROOT / "tests" / "lint" / "cases"

DATE = re.compile(rb"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")


def invocations():
    """Every (arguments, standard input) pair to compare."""
    for path in sorted((FIXTURES / "models").glob("*.py")) + sorted((FIXTURES / "sql").glob("*.sql")):
        for extra in ([], ["--format", "json"], ["--format", "json", "--database-form"], ["--database-form"]):
            yield ["schema", str(path), *extra], None
    for pair in sorted(p for p in (FIXTURES / "pairs").iterdir() if p.is_dir()):
        base = ["revision", "--from", str(pair / "before.py"), "--to", str(pair / "after.py"),
                "--rev-id", "abcdef012345", "--down-revision", "0123456789ab", "-m", "change"]
        args_file = pair / "retort_args.txt"
        given = args_file.read_text().split() if args_file.exists() else []
        for extra in ([], ["--no-safe"], ["--batch"], ["--sql"], ["--sql", "downgrade"],
                      ["--no-safe", "--sql"]):
            yield [*base, *given, *extra], None
        yield [*base, *extra], None  # without the user's choices: the notes
    for case in sorted((p for p in CASES.rglob("*") if p.suffix in (".py", ".sql")), key=lambda p: p.name):
        for extra in ([], ["--format", "json"], ["--format", "github"], ["--format", "sarif"],
                      ["--locks"], ["--postgres", "10"], ["--assume-in-transaction"]):
            yield ["lint", "--no-config", *extra, str(case)], None
        for extra in (["--fix"], ["--fix", "--unsafe-fixes"]):
            yield ["lint", "--no-config", *extra, "-"], case.read_bytes()
        if case.suffix == ".py":
            yield ["sql", str(case)], None
            yield ["sql", "--downgrade", str(case)], None
    history = FIXTURES / "history"
    folders = [history] + sorted(p for p in history.rglob("*") if p.is_dir())
    for folder in folders:
        for args in (["history"], ["history", "-v"], ["history", "--indicate-current", "--current", "head"],
                     ["history", "-r", "base:heads"], ["heads"], ["heads", "-v"], ["branches"],
                     ["show", "head"], ["show", "base"], ["check"], ["check", "--heads", "2"]):
            for recursive in ([], ["--recursive"]):
                yield [*args, *recursive, str(folder)], None
        yield ["lint", "--no-config", str(folder)], None
        files = sorted(folder.glob("*.py"))
        if files:
            yield ["sql", *map(str, files)], None
            yield ["sql", "--downgrade", *map(str, files)], None
    yield ["rule", "--all"], None
    yield ["rule"], None
    yield ["rule", "no-such-rule"], None
    for rule in (ROOT / "core" / "src" / "lint" / "rules").glob("*.rs"):
        if rule.stem != "mod":
            yield ["rule", rule.stem.replace("_", "-")], None
    for generated in sorted((ROOT / "target" / "peers").glob("generated_*.sql")):
        yield ["lint", "--no-config", "--format", "json", str(generated)], None
    # Bad usage and unreadable files.
    yield ["schema", str(ROOT / "README.md")], None
    yield ["schema", str(ROOT / "no-such-file.py")], None
    yield ["revision", "--from", "x.py"], None


def run(binary, args, stdin):
    done = subprocess.run([binary, *args], input=stdin, capture_output=True, cwd=ROOT, timeout=600)
    return done.returncode, DATE.sub(b"<date>", done.stdout), DATE.sub(b"<date>", done.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", required=True)
    parser.add_argument("--new", required=True)
    args = parser.parse_args()
    compared = differ = 0
    for argv, stdin in invocations():
        old, new = run(args.old, argv, stdin), run(args.new, argv, stdin)
        compared += 1
        if old != new:
            differ += 1
            what = [name for name, a, b in zip(("exit code", "stdout", "stderr"), old, new) if a != b]
            print(f"DIFFERENT ({', '.join(what)}): retort {' '.join(argv)}", file=sys.stderr)
    print(f"{compared} invocations compared, {differ} different")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
