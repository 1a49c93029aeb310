"""retort lint side by side with squawk and pgfence, on the same SQL.

1. Every `.sql` file of the labelled set (tests/lint/cases) through all three:
   what each reports, mapped onto retort's rule ids, and the cases where they
   disagree (printed as a Markdown table).
2. Throughput on generated migrations of 1,000 / 10,000 / 100,000 statements,
   one run: seconds per tool and retort's ratio to each.

The peers are installed here, pinned, from the registries: squawk-cli from
PyPI (into this Python's environment), @flvmnt/pgfence from npm (into
target/peers).

    python compare_peers.py --retort target/release/retort
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "lint" / "cases"
PEERS = ROOT / "target" / "peers"
SQUAWK_VERSION = "2.70.0"
PGFENCE_VERSION = "0.1.5"
TIMEOUT = 120

# The peers' rule ids, as the retort rule that judges the same danger.
SQUAWK = {
    "require-concurrent-index-creation": "create-index-non-concurrently",
    "require-concurrent-index-deletion": "drop-index-non-concurrently",
    "adding-foreign-key-constraint": "add-foreign-key-validating",
    "adding-not-nullable-field": "set-not-null",
    "adding-required-field": "add-not-null-column-without-default",
    "adding-field-with-default": "add-column-volatile-default",
    "changing-column-type": "alter-column-type-rewrite",
    "ban-drop-column": "drop-column",
    "ban-drop-table": "drop-table",
    "ban-drop-database": "ban-drop-database",
    "renaming-column": "rename-column",
    "renaming-table": "rename-table",
    "disallowed-unique-constraint": "add-unique-constraint",
    "adding-primary-key-constraint": "add-primary-key",
    "adding-serial-primary-key-field": "add-primary-key",
    "prefer-text-field": "prefer-text-over-varchar",
    "prefer-timestamptz": "prefer-timestamptz",
    "prefer-timestamp-tz": "prefer-timestamptz",
    "prefer-bigint-over-int": "prefer-bigint-over-int",
    "prefer-bigint-over-smallint": "prefer-bigint-over-int",
    "prefer-identity": "prefer-identity-over-serial",
    "require-lock-timeout": "missing-lock-timeout",
    "ban-concurrent-index-creation-in-transaction": "concurrently-in-transaction",
    "ban-truncate-cascade": "ban-truncate",
    "adding-stored-generated-column": "add-column-stored-generated",
    "ban-alter-domain-with-add-constraint": None,
}
PGFENCE = {
    "create-index-not-concurrent": "create-index-non-concurrently",
    "drop-index-not-concurrent": "drop-index-non-concurrently",
    "add-constraint-fk-no-not-valid": "add-foreign-key-validating",
    "add-constraint-check-no-not-valid": "add-check-validating",
    "not-valid-validate-same-tx": "validate-in-same-transaction",
    "alter-column-set-not-null": "set-not-null",
    "add-column-not-null-no-default": "add-not-null-column-without-default",
    "add-column-non-constant-default": "add-column-volatile-default",
    "add-column-stored-generated": "add-column-stored-generated",
    "alter-column-type": "alter-column-type-rewrite",
    "drop-column": "drop-column",
    "drop-table": "drop-table",
    "drop-database": "ban-drop-database",
    "rename-column": "rename-column",
    "rename-table": "rename-table",
    "add-constraint-unique": "add-unique-constraint",
    "add-pk-without-using-index": "add-primary-key",
    "add-constraint-exclude": "add-exclude-constraint",
    "missing-lock-timeout": "missing-lock-timeout",
    "statement-after-access-exclusive": "statements-after-exclusive-lock",
    "truncate": "ban-truncate",
    "vacuum-full": "vacuum-full",
    "reindex-non-concurrent": "reindex-non-concurrently",
    "concurrent-in-transaction": "concurrently-in-transaction",
    "prefer-text-field": "prefer-text-over-varchar",
    "prefer-timestamptz": "prefer-timestamptz",
}


def install():
    """squawk and pgfence at their pinned versions; their commands."""
    squawk = Path(sys.executable).parent / "squawk"
    have = subprocess.run([str(squawk), "--version"], capture_output=True, text=True) if squawk.exists() else None
    if not have or SQUAWK_VERSION not in have.stdout:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"squawk-cli=={SQUAWK_VERSION}"], check=True)
    pgfence = PEERS / "node_modules" / ".bin" / "pgfence"
    if not pgfence.exists():
        PEERS.mkdir(parents=True, exist_ok=True)
        (PEERS / "package.json").write_text('{"name": "retort-peers", "private": true}\n')
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                        f"@flvmnt/pgfence@{PGFENCE_VERSION}"], cwd=PEERS, check=True)
    return str(squawk), str(pgfence)


def case_settings(text):
    first = text.splitlines()[0] if text else ""
    args = []
    if first.startswith("-- lint:"):
        for word in first[len("-- lint:"):].split():
            if word.startswith("postgres="):
                args += ["--postgres", word.split("=")[1]]
            elif word == "assume-in-transaction":
                args.append("--assume-in-transaction")
    return args


def expected(text):
    out = set()
    for line in text.splitlines():
        if "-- expect:" in line:
            out |= {r.strip() for r in line.split("-- expect:")[1].split(",")}
    return out


def run_retort(retort, path, args):
    out = subprocess.run([retort, "lint", "--no-config", "--format", "json", *args, str(path)],
                         capture_output=True, text=True)
    return {f["rule"] for f in json.loads(out.stdout or "[]")}


def run_squawk(squawk, path, args):
    extra = ["--assume-in-transaction"] if "--assume-in-transaction" in args else []
    out = subprocess.run([squawk, "--reporter", "json", *extra, str(path)], capture_output=True, text=True)
    found = set()
    lines = Path(path).read_text().splitlines()
    for item in json.loads(out.stdout or "[]"):
        rule = item["rule_name"]
        if rule == "constraint-missing-not-valid":
            # One squawk rule for three dangers: tell them apart by the
            # statement it points at.
            line = lines[item["line"]].upper() if item["line"] < len(lines) else ""
            if "VALIDATE" in line or "NOT VALID" in line:
                found.add("validate-in-same-transaction")
            elif "FOREIGN KEY" in line or "REFERENCES" in line:
                found.add("add-foreign-key-validating")
            else:
                found.add("add-check-validating")
            continue
        found.add(SQUAWK.get(rule) or "(" + rule + ")")
    return found


def run_pgfence(pgfence, path, args):
    version = args[args.index("--postgres") + 1] if "--postgres" in args else "18"
    out = subprocess.run([pgfence, "analyze", "--format", "sql", "--output", "json",
                          "--min-pg-version", version, str(path)], capture_output=True, text=True)
    found = set()
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError:
        return {"(no output: " + out.stderr.strip().splitlines()[-1][:60] + ")"} if out.stderr.strip() else set()
    for result in report.get("results", []):
        for check in result.get("checks", []):
            found.add(PGFENCE.get(check["ruleId"]) or "(" + check["ruleId"] + ")")
        for violation in result.get("policyViolations", []):
            found.add(PGFENCE.get(violation["ruleId"]) or "(" + violation["ruleId"] + ")")
    return found


def compare(retort, squawk, pgfence):
    rows = []
    totals = {"retort": [0, 0, 0], "squawk": [0, 0, 0], "pgfence": [0, 0, 0]}
    # Ignore comments are retort's own syntax: those cases are left out.
    cases = sorted((p for p in CASES.rglob("*.sql") if "ignore" not in p.name), key=lambda p: p.name)
    for path in cases:
        text = path.read_text()
        args = case_settings(text)
        want = expected(text)
        got = {
            "retort": run_retort(retort, path, args),
            "squawk": run_squawk(squawk, path, args),
            "pgfence": run_pgfence(pgfence, path, args),
        }
        # Only the dangers retort has a rule for are scored; the peers'
        # other checks (idempotency, statement_timeout) are listed apart.
        judged = {tool: {r for r in found if not r.startswith("(")} for tool, found in got.items()}
        for tool, scored in judged.items():
            totals[tool][0] += len(scored & want)
            totals[tool][1] += len(scored - want)
            totals[tool][2] += len(want - scored)
        if not (judged["retort"] == judged["squawk"] == judged["pgfence"] == want):
            rows.append((path.name, want, got))
    print(f"\n{len(cases)} SQL migrations of tests/lint/cases; findings mapped onto retort's rule ids\n")
    print("| tool | right | wrong (false positive) | missed |")
    print("|---|---|---|---|")
    for tool, (tp, fp, fn) in totals.items():
        print(f"| {tool} | {tp} | {fp} | {fn} |")
    print("\nWhere they disagree (expected = the case's labels; (…) = a check retort has no rule for):\n")
    print("| case | expected | retort | squawk | pgfence |")
    print("|---|---|---|---|---|")
    show = lambda s: ", ".join(sorted(s)) or "—"  # noqa: E731
    for name, want, got in rows:
        print(f"| {name} | {show(want)} | {show(got['retort'])} | {show(got['squawk'])} | {show(got['pgfence'])} |")


STATEMENTS = [
    "CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now())",
    "ALTER TABLE accounts ADD COLUMN c{i} integer",
    "CREATE INDEX ix_accounts_c{i} ON accounts (c{i})",
    "ALTER TABLE accounts ALTER COLUMN c{i} TYPE bigint",
    "ALTER TABLE orders ADD CONSTRAINT fk_orders_{i} FOREIGN KEY (account_id) REFERENCES accounts (id)",
    "CREATE INDEX CONCURRENTLY ix_t{i}_name ON t{i} (name)",
    "ALTER TABLE accounts ALTER COLUMN c{i} SET NOT NULL",
    "UPDATE accounts SET c{i} = 0 WHERE c{i} IS NULL",
    "ALTER TABLE accounts DROP COLUMN c{i}",
    "COMMENT ON TABLE t{i} IS 'table {i}'",
]


def generate(n):
    path = ROOT / "target" / "peers" / f"generated_{n}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["SET lock_timeout = '5s';"]
    for i in range(n - 1):
        lines.append(STATEMENTS[i % len(STATEMENTS)].format(i=i // len(STATEMENTS)) + ";")
    path.write_text("\n".join(lines) + "\n")
    return path


# Runs per measurement (the median is reported): one run is at the mercy of
# the page cache, the CPU's clock and, on a virtual machine, the host.
RUNS = 5


def run_time(command):
    """Wall time of one run (None after a time-out)."""
    start = time.perf_counter()
    try:
        subprocess.run(command, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def interleaved(commands, runs):
    """The median wall time of each command over `runs` rounds; each round
    runs every command once, in turn, so that a slow spell of the machine
    falls on all of them alike (None: a run timed out)."""
    times = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            if times[i] is None:
                continue
            t = run_time(command)
            times[i] = None if t is None else times[i] + [t]
    return [None if t is None else statistics.median(t) for t in times]


def throughput(retort, squawk, pgfence, sizes, old=None):
    print(f"\nThroughput: median of {RUNS} rounds per size (each round runs every tool once, in turn; squawk's text output: one run), the whole file, output to a pipe\n")
    extra = " another retort (json) |" if old else ""
    print(f"| statements | retort lint (json) |{extra} squawk (json) | squawk (text) | pgfence (json) | retort vs squawk json | vs squawk text | vs pgfence |")
    print("|---|---|---|---|---|---|---|---|" + ("---|" if old else ""))
    fmt = lambda t: f"> {TIMEOUT} s" if t is None else f"{t:.3f} s"  # noqa: E731
    def ratio(a, b):
        if a is None:
            return "—"
        return f"> {TIMEOUT / a:.0f}×" if b is None else f"{b / a:.1f}×"
    for n in sizes:
        path = str(generate(n))
        commands = [
            [retort, "lint", "--no-config", "--format", "json", path],
            [squawk, "--reporter", "json", path],
            [pgfence, "analyze", "--format", "sql", "--output", "json", path],
        ]
        if old:
            commands.append([old, "lint", "--no-config", "--format", "json", path])
        r, sj, pf, *o = interleaved(commands, RUNS)
        st = run_time([squawk, path])
        other = f" {fmt(o[0])} |" if old else ""
        print(f"| {n:,} | {fmt(r)} |{other} {fmt(sj)} | {fmt(st)} | {fmt(pf)} | {ratio(r, sj)} | {ratio(r, st)} | {ratio(r, pf)} |")
        sys.stdout.flush()


def main():
    global RUNS
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--old-retort", help="another retort binary (a previous build) timed in the same rounds")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    squawk, pgfence = install()
    for name, command in (("squawk", [squawk, "--version"]), ("pgfence", [pgfence, "--version"])):
        print(name, subprocess.run(command, capture_output=True, text=True).stdout.strip())
    compare(args.retort, squawk, pgfence)
    RUNS = args.runs
    throughput(args.retort, squawk, pgfence, [int(s) for s in args.sizes.split(",")], args.old_retort)


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    main()
