"""retort's revisions run both ways on real Alembic and PostgreSQL.

For each fixture pair: the before model is created with `create_all`, every
table gets seed rows, retort's revision is run with `alembic upgrade head`;
then `alembic.autogenerate.compare_metadata` against the after model must
find nothing and every table that exists on both sides must keep its rows.
`alembic downgrade base` must then bring the database back to the before
model (compare_metadata against it finds nothing) with the rows still there.

With `--fixed`, the revision is Alembic's own (`--no-safe`) after
`retort lint --fix --unsafe-fixes`: every fix retort applies must still run
both ways on PostgreSQL, and `retort lint` must find nothing more to fix.

    python check_upgrades.py --retort target/debug/retort tests/fixtures/pairs
"""

import argparse
import datetime
import decimal
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

import sqlalchemy as sa  # noqa: E402
from alembic import command  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from autogen import scripts  # noqa: E402
from check_models import finish, report  # noqa: E402
from check_roundtrip import create_all  # noqa: E402
from dump_schema import load, metadatas  # noqa: E402
from pgcluster import Cluster  # noqa: E402

ROWS = 3


def seed_value(column, i):
    """A value of the column's type for row i (1-based), distinct per row."""
    ty = column.type
    if isinstance(ty, sa.ARRAY):
        return []
    if isinstance(ty, sa.Enum):
        return ty.enums[0]
    python = None
    try:
        python = ty.python_type
    except NotImplementedError:
        pass
    if python is bool:
        return i % 2 == 0
    if python is int:
        return i
    if python in (float, decimal.Decimal):
        return i
    if python is str:
        text = f"v{i}"
        length = getattr(ty, "length", None)
        return text[:length] if length else text
    if python is datetime.datetime:
        return datetime.datetime(2026, 1, i, tzinfo=datetime.timezone.utc)
    if python is datetime.date:
        return datetime.date(2026, 1, i)
    if python is datetime.time:
        return datetime.time(12, i)
    if python is datetime.timedelta:
        return datetime.timedelta(days=i)
    if python is uuid.UUID:
        return uuid.UUID(int=i)
    if python is dict:
        return {}
    if python is bytes:
        return b""
    if python is list:
        return []
    return None


def seed(url, mds):
    """ROWS rows in every table (parents first); returns the counts."""
    engine = sa.create_engine(url)
    counts = {}
    with engine.begin() as conn:
        for md in mds:
            for table in md.sorted_tables:
                rows = []
                for i in range(1, ROWS + 1):
                    row = {}
                    for column in table.columns:
                        if column.computed is not None or column.identity is not None:
                            continue
                        if column.foreign_keys:
                            row[column.key] = i
                        elif column.primary_key and column is table.autoincrement_column:
                            continue
                        else:
                            value = seed_value(column, i)
                            if value is not None or column.nullable:
                                row[column.key] = value
                    rows.append(row)
                conn.execute(table.insert(), rows)
                counts[table.fullname] = ROWS
    engine.dispose()
    return counts


def differences(url, md_list):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "include_schemas": True,
                  "include_name": lambda name, type_, parent: type_ != "schema" or name in (None, "public") or name in {
                      t.schema for md in md_list for t in md.tables.values()}},
        )
        diffs = compare_metadata(context, md_list[0] if len(md_list) == 1 else md_list)
    engine.dispose()
    return diffs


CHECKS = """
SELECT n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'c' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""


ENUMS = """
SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
GROUP BY n.nspname, t.typname
"""


def checks(url):
    """Every CHECK constraint as PostgreSQL prints it, and every enum type
    with its values in order: compare_metadata looks at neither (Alembic's
    autogenerate does not compare them)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = {(s, t, n, d) for s, t, n, d in conn.execute(sa.text(CHECKS))}
        found |= {("enum type", s, n, v) for s, n, v in conn.execute(sa.text(ENUMS))}
    engine.dispose()
    return found


def check_differences(cluster, url, model, name):
    """The CHECK constraints and enum types of `url` against those
    `create_all` makes from `model` in a fresh database."""
    reference = cluster.create_database(name)
    create_all(reference, model)
    want, have = checks(reference), checks(url)
    if want == have:
        return []
    return [f"CHECK constraints or enum types differ: missing {sorted(want - have)}, unexpected {sorted(have - want)}"]


def row_counts(url, names):
    engine = sa.create_engine(url)
    counts = {}
    with engine.connect() as conn:
        for name in names:
            schema, _, table = name.rpartition(".")
            query = sa.select(sa.func.count()).select_from(sa.table(table, schema=schema or None))
            counts[name] = conn.execute(query).scalar()
    engine.dispose()
    return counts


def extra_args(pair, safe):
    """Options a pair gives retort (`retort_args.txt`, one per line), for
    the safe run: what a user accepts, such as `--rename`."""
    args = pair / "retort_args.txt"
    if not safe or not args.exists():
        return []
    return [line for line in args.read_text().splitlines() if line.strip()]


def lint_fix(retort, versions):
    """Applies every fix; returns (fixes applied, problems)."""
    fixed = subprocess.run([retort, "lint", "--no-config", "--fix", "--unsafe-fixes", str(versions)],
                           capture_output=True, text=True)
    if fixed.returncode not in (0, 1):
        return 0, [f"retort lint --fix exited {fixed.returncode}: {fixed.stderr}"]
    count = 0
    for line in fixed.stdout.splitlines():
        if line.startswith("Fixed "):
            count = int(line.split()[1])
    again = subprocess.run([retort, "lint", "--no-config", "--format", "json", str(versions)],
                           capture_output=True, text=True)
    left = [f for f in json.loads(again.stdout or "[]")
            if f["fixes"] and f["fixes"][0]["applicability"] != "display-only"]
    return count, [f"still fixable after --fix: {f['rule']} {f['message']}" for f in left]


def run_pair(cluster, pair, retort, safe=True, fixed=None):
    prefix = "fixed_" if fixed is not None else ("run_" if safe else "alembic_")
    url = cluster.create_database(prefix + pair.name)
    before = metadatas(load(str(pair / "before.py")))
    after = metadatas(load(str(pair / "after.py")))
    create_all(url, pair / "before.py")
    seeded = seed(url, before)
    problems = []
    with scripts(url, pair / "after.py") as (config, versions):
        written = subprocess.run([retort, "revision", "--from", str(pair / "before.py"), "--to",
                                  str(pair / "after.py"), "-m", pair.name, "--rev-id", "0123456789ab",
                                  "--versions", str(versions)] + ([] if safe else ["--no-safe"]) + extra_args(pair, safe),
                                 capture_output=True, text=True)
        if written.returncode != 0:
            return [f"retort revision exited {written.returncode}: {written.stderr}"]
        if fixed is not None:
            count, problems = lint_fix(retort, versions)
            fixed.append(count)
            if problems:
                return problems
        kept = [name for name in seeded if any(name in md.tables for md in after)]
        try:
            command.upgrade(config, "head")
        except Exception as error:  # noqa: BLE001 - reported per pair
            return [f"upgrade failed: {error}"]
        diffs = differences(url, after)
        if diffs:
            problems.append(f"after upgrade, the database differs from the after model: {diffs}")
        if safe:
            problems += [f"after upgrade: {p}" for p in
                         check_differences(cluster, url, pair / "after.py", "ref_after_" + pair.name)]
        counts = row_counts(url, kept)
        if any(counts[name] != seeded[name] for name in kept):
            problems.append(f"rows lost in upgrade: {counts} (seeded {seeded})")
        os.environ["RETORT_MODEL"] = str(pair / "before.py")
        try:
            command.downgrade(config, "base")
        except Exception as error:  # noqa: BLE001
            return problems + [f"downgrade failed: {error}"]
        diffs = differences(url, before)
        if diffs:
            problems.append(f"after downgrade, the database differs from the before model: {diffs}")
        if safe:
            problems += [f"after downgrade: {p}" for p in
                         check_differences(cluster, url, pair / "before.py", "ref_before_" + pair.name)]
        counts = row_counts(url, kept)
        if any(counts[name] != seeded[name] for name in kept):
            problems.append(f"rows lost in downgrade: {counts} (seeded {seeded})")
    return problems


def run_refusal(cluster, pair, retort, direction):
    """`refuse_upgrade.sql` / `refuse_downgrade.sql`: rows that hold what the
    revision would lose (an enum value it removes), written before that
    step. The step must stop with PostgreSQL's error, and the database keep
    its enum types, CHECKs and rows."""
    rows_sql = pair / f"refuse_{direction}.sql"
    if not rows_sql.exists():
        return []
    url = cluster.create_database(f"refuse_{direction}_" + pair.name)
    create_all(url, pair / "before.py")
    seeded = seed(url, metadatas(load(str(pair / "before.py"))))
    with scripts(url, pair / "after.py") as (config, versions):
        written = subprocess.run([retort, "revision", "--from", str(pair / "before.py"), "--to",
                                  str(pair / "after.py"), "-m", pair.name, "--rev-id", "0123456789ab",
                                  "--versions", str(versions)], capture_output=True, text=True)
        if written.returncode != 0:
            return [f"retort revision exited {written.returncode}: {written.stderr}"]
        if direction == "downgrade":
            command.upgrade(config, "head")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(rows_sql.read_text()))
        engine.dispose()
        state = checks(url)
        try:
            if direction == "upgrade":
                command.upgrade(config, "head")
            else:
                os.environ["RETORT_MODEL"] = str(pair / "before.py")
                command.downgrade(config, "base")
        except Exception as error:  # noqa: BLE001 - the refusal expected
            if "invalid input value for enum" not in str(error):
                return [f"{direction} failed, but not with the refusal: {error}"]
        else:
            return [f"{direction} ran although rows hold what it removes ({rows_sql.name})"]
        problems = []
        if checks(url) != state:
            problems.append(f"the refused {direction} changed the enum types or CHECKs")
        counts = row_counts(url, list(seeded))
        if counts != seeded:
            problems.append(f"rows lost in the refused {direction}: {counts}")
    print(f"{pair.name}: the {direction} refuses rows that hold what it removes")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("pairs")
    parser.add_argument("--fixed", action="store_true",
                        help="run Alembic's own revisions after retort lint --fix --unsafe-fixes")
    args = parser.parse_args()
    pairs = sorted(p for p in Path(args.pairs).iterdir() if (p / "after.py").exists())
    failed = []
    with Cluster(HERE.parents[1] / "target" / "pg-upgrades") as cluster:
        if args.fixed:
            fixes = []
            own_failures = 0
            for pair in pairs:
                before = len(fixes)
                problems = run_pair(cluster, pair, args.retort, safe=False, fixed=fixes)
                # A revision that fails on a table with rows (a NOT NULL
                # column: its fix is a pattern with a value to fill in)
                # still fails; everything else must run.
                if (pair / "alembic_fails.txt").exists() and problems and problems[0].startswith("upgrade failed"):
                    problems = []
                # Where Alembic's own revision fails the same way without
                # the fixes (an unnamed constraint it cannot drop, an enum or
                # schema it does not create), the fixes are not to blame.
                if problems:
                    plain = run_pair(cluster, pair, args.retort, safe=False)
                    stage = problems[0].split(" failed")[0]
                    if plain and plain[0].startswith(stage + " failed"):
                        print(f"{pair.name}: Alembic's own revision fails the same way: {plain[0].splitlines()[0]}")
                        own_failures += 1
                        problems = []
                if len(fixes) > before and fixes[-1]:
                    print(f"{pair.name}: {fixes[-1]} fixes")
                report(pair.name, problems, failed)
            print(f"{sum(fixes)} fixes applied in {sum(1 for f in fixes if f)} of {len(pairs)} revisions; "
                  f"{own_failures} fail without the fixes too (Alembic's own revision)")
            if sum(fixes) == 0:
                failed.append("no fix was applied at all")
            finish(len(pairs), failed, "Alembic's revisions, fixed by retort lint, upgrade and downgrade on PostgreSQL")
            return
        for pair in pairs:
            problems = run_pair(cluster, pair, args.retort)
            for direction in ("upgrade", "downgrade"):
                problems += run_refusal(cluster, pair, args.retort, direction)
            # Where Alembic's own revision fails on a table with rows, the
            # test proves it does (and that the safe one, above, does not).
            # (A reason that opens with "downgrade:" expects the downgrade to fail.)
            expected = pair / "alembic_fails.txt"
            if expected.exists():
                plain = run_pair(cluster, pair, args.retort, safe=False)
                stage = "downgrade" if expected.read_text().startswith("downgrade:") else "upgrade"
                if not any(p.startswith(f"{stage} failed") for p in plain):
                    problems.append(f"Alembic's revision was expected to fail ({expected.read_text().strip()}): {plain}")
            report(pair.name, problems, failed)
    finish(len(pairs), failed, "retort's revision upgrades and downgrades on PostgreSQL with rows kept")


if __name__ == "__main__":
    main()
