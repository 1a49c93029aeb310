"""The rehearsal's commands equal real Alembic's, command by command.

Two databases start equal. Real Alembic runs a sequence of commands on
one (`upgrade +1`, `current`, `downgrade -1`, `stamp`, bad targets…).
On the other, each command is planned by `retort rehearse --json` from
that database's `alembic_version` rows and its actions are executed here
as the playground executes them on PGlite (BEGIN, each statement, the
version rows, COMMIT; ROLLBACK on an error). After every command:

- both succeed, or both fail (Alembic's CommandError text equal to
  retort's, a database error with the same SQLSTATE);
- Alembic's log lines (`Running upgrade a -> b, message`) and what
  `current`, `heads` and `history --indicate-current` print are equal;
- the `alembic_version` rows, the schema as the catalogue has it, and the
  rows in every table are equal.

The model check's reading of a database is proved too: each fixture model
made with `create_all`, written back by the catalogue query the page runs
(`CATALOGUE_DDL`), must read as a schema equal to its model (`retort
revision` from it to the model writes no op), except the models listed in
`tests/fixtures/catalogue_known.txt` with why; the list must stay true.

So is the replay (`retort schema --at REV`, no database): for each pair, a
base revision creating the before model and then the pair's safe chain;
the schema replayed at the base must equal the before model, and at head
the after model, both in database form.

Cases: each fixture pair's safe chain (from the before model with seed
rows), the plain revision of the pairs where Alembic's own fails, and the
history folders (branches, a merge, labels).

    python check_rehearsal.py --retort target/debug/retort tests/fixtures
"""

import argparse
import datetime
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

import psycopg2  # noqa: E402
from alembic import command  # noqa: E402
from alembic.util import CommandError  # noqa: E402
from autogen import scripts  # noqa: E402
from check_models import finish, report  # noqa: E402
from check_roundtrip import create_all  # noqa: E402
from check_upgrades import extra_args, seed  # noqa: E402
from dump_schema import load, metadatas  # noqa: E402
from pgcluster import Cluster  # noqa: E402

PAIR_COMMANDS = [
    "current", "upgrade +1", "current", "history --indicate-current", "upgrade head", "heads",
    "downgrade -1", "current", "upgrade +5", "downgrade base", "upgrade nowhere", "downgrade +1",
    "upgrade head", "stamp base", "current", "stamp head", "downgrade base", "downgrade -1",
]

FOLDER_COMMANDS = [
    "upgrade +1", "upgrade +1", "upgrade +1", "current", "upgrade 3c4d", "upgrade +1", "current",
    "downgrade -1", "history --indicate-current", "downgrade 3c4d5e6f7081", "current",
    "history --indicate-current", "downgrade -1", "current", "upgrade heads",
    "heads", "downgrade base", "upgrade 1a2b+2", "upgrade bogus", "stamp heads", "current", "stamp base",
    "upgrade 4d5e", "current", "upgrade billing@head", "current", "downgrade base",
]

# The catalogue, as text that does not name the database.
SCHEMA = [
    """SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable,
              c.column_default, c.character_maximum_length, c.numeric_precision, c.is_identity
       FROM information_schema.columns c
       WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')""",
    """SELECT n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid)
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')""",
    """SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
       WHERE schemaname NOT IN ('pg_catalog', 'information_schema')""",
    """SELECT n.nspname, t.typname, e.enumsortorder, e.enumlabel
       FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace""",
]


def connect(url):
    conn = psycopg2.connect(url.replace("postgresql+psycopg2://", "postgresql://"))
    conn.autocommit = True
    return conn


def stable(value):
    """A value made by `now()` while a command ran differs between the two
    databases by the moments they ran at: it is compared as "now"."""
    if isinstance(value, datetime.datetime) and abs(
            value.replace(tzinfo=None) - datetime.datetime.now()) < datetime.timedelta(days=1):
        return "<now>"
    return value


def state(url):
    """The version rows, the catalogue and every table's rows."""
    with connect(url) as conn, conn.cursor() as cur:
        found = {}
        for i, query in enumerate(SCHEMA):
            cur.execute(query)
            found[f"schema{i}"] = sorted(map(repr, cur.fetchall()))
        cur.execute("""SELECT table_schema, table_name FROM information_schema.tables
                       WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')""")
        for schema, table in sorted(cur.fetchall()):
            cur.execute(f'SELECT * FROM "{schema}"."{table}"')
            found[f"rows {schema}.{table}"] = sorted(repr(tuple(map(stable, row))) for row in cur.fetchall())
    conn.close()
    return found


def versions_of(url):
    conn = connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('alembic_version') IS NOT NULL")
        if not cur.fetchone()[0]:
            conn.close()
            return []
        cur.execute("SELECT version_num FROM alembic_version")
        rows = [r[0] for r in cur.fetchall()]
    conn.close()
    return rows


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def run_alembic(config, line):
    """Alembic's command: (what it printed, its error or None)."""
    name, *args = line.split()
    out = io.StringIO()
    config.stdout = out
    handler = Lines()
    logger = logging.getLogger("alembic.runtime.migration")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    error = None
    try:
        if name == "upgrade":
            command.upgrade(config, args[0])
        elif name == "downgrade":
            command.downgrade(config, args[0])
        elif name == "stamp":
            command.stamp(config, args[0])
        elif name == "current":
            command.current(config)
        elif name == "heads":
            command.heads(config)
        elif name == "history":
            command.history(config, indicate_current="--indicate-current" in args)
    except CommandError as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001 - a database error, by its SQLSTATE
        error = f"SQLSTATE {getattr(getattr(e, 'orig', None), 'pgcode', None)}"
    finally:
        logger.removeHandler(handler)
    printed = [f"INFO  [alembic.runtime.migration] {m}" for m in handler.lines]
    printed += [x for x in out.getvalue().splitlines() if x.strip()]
    return printed, error


def run_retort(retort, versions, url, line, current):
    """retort's plan for the command against a database whose version rows
    are `current`, executed here: (printed, error)."""
    args = [retort, "rehearse", str(versions), "--json"]
    if current:
        args += ["--current", ",".join(current)]
    planned = subprocess.run(args + ["--"] + line.split(), capture_output=True, text=True)
    if planned.returncode == 2 or not planned.stdout.strip():
        return [], f"retort rehearse exited {planned.returncode}: {planned.stderr}"
    plan = json.loads(planned.stdout)
    printed = [x for x in plan["output"] if x.startswith("INFO")]
    if plan["error"]:
        return printed, plan["error"]
    conn = connect(url)
    cur = conn.cursor()
    in_tx = False
    error = None
    for action in plan["actions"]:
        kind, body = (action, None) if isinstance(action, str) else next(iter(action.items()))
        try:
            if kind == "Begin":
                cur.execute("BEGIN")
                in_tx = True
            elif kind == "Commit":
                cur.execute("COMMIT")
                in_tx = False
            elif kind == "Start":
                printed.append(plan["runs"][body["run"]]["log"])
            elif kind in ("Exec", "Version"):
                cur.execute(body["sql"])
            elif kind == "Fail":
                error = body["message"]
                break
        except psycopg2.Error as e:
            error = f"SQLSTATE {e.pgcode}"
            break
    if error and in_tx:
        cur.execute("ROLLBACK")
    conn.close()
    printed += [x for x in plan["output"] if not x.startswith("INFO")]
    return printed, error


def compare(retort, config, versions, url_a, url_b, commands):
    problems = []
    for line in commands:
        # `downgrade -1` from two heads walks down from the first row, in
        # the order the table gives them (Alembic warns it is ambiguous):
        # both sides read the rows in the order Alembic's database has them.
        current, alembic_rows = versions_of(url_b), versions_of(url_a)
        if sorted(alembic_rows) == sorted(current):
            current = alembic_rows
        a_printed, a_error = run_alembic(config, line)
        b_printed, b_error = run_retort(retort, versions, url_b, line, current)
        if a_error != b_error:
            problems.append(f"`{line}`: Alembic {a_error!r}, retort {b_error!r}")
        # Alembic prints no log line for a revision that failed to run;
        # `current` prints the heads as a set (in no order); Python's
        # warnings are not in Alembic's output.
        b_printed = [x for x in b_printed if not x.startswith("UserWarning:")]
        if line == "current":
            a_printed, b_printed = sorted(a_printed), sorted(b_printed)
        if a_printed != b_printed and not a_error:
            problems.append(f"`{line}` printed differently:\n  alembic: {a_printed}\n  retort:  {b_printed}")
        a_state, b_state = state(url_a), state(url_b)
        rows_a, rows_b = versions_of(url_a), versions_of(url_b)
        if sorted(rows_a) != sorted(rows_b):
            problems.append(f"`{line}`: alembic_version {rows_a} vs {rows_b}")
        for key in sorted(set(a_state) | set(b_state)):
            if a_state.get(key) != b_state.get(key):
                problems.append(f"`{line}`: {key} differs: alembic {a_state.get(key)} / retort {b_state.get(key)}")
        if problems:
            break
    return problems


def run_pair(cluster, retort, pair, safe):
    suffix = "" if safe else "_plain"
    url_a = cluster.create_database(f"a_{pair.name}{suffix}")
    url_b = cluster.create_database(f"b_{pair.name}{suffix}")
    before = metadatas(load(str(pair / "before.py")))
    for url in (url_a, url_b):
        create_all(url, pair / "before.py")
        seed(url, before)
    with scripts(url_a, pair / "after.py") as (config, versions):
        written = subprocess.run([retort, "revision", "--from", str(pair / "before.py"), "--to", str(pair / "after.py"),
                                  "-m", pair.name, "--rev-id", "0123456789ab", "--versions", str(versions)]
                                 + ([] if safe else ["--no-safe"]) + extra_args(pair, safe),
                                 capture_output=True, text=True)
        if written.returncode != 0:
            return [f"retort revision exited {written.returncode}: {written.stderr}"]
        os.environ["RETORT_MODEL"] = str(pair / "before.py")
        commands = PAIR_COMMANDS if safe else ["upgrade head", "current"]
        return compare(retort, config, versions, url_a, url_b, commands)


def run_folder(cluster, retort, folder, model):
    url_a = cluster.create_database(f"a_folder_{folder.name}")
    url_b = cluster.create_database(f"b_folder_{folder.name}")
    with scripts(url_a, model) as (config, versions):
        for f in folder.glob("*.py"):
            shutil.copy(f, versions / f.name)
        return compare(retort, config, versions, url_a, url_b, FOLDER_COMMANDS)


def catalogue_query():
    source = (HERE.parents[1] / "core" / "src" / "rehearse" / "mod.rs").read_text()
    return source.split('pub const CATALOGUE_DDL: &str = r#"')[1].split('"#;')[0]


def run_catalogue(cluster, retort, models, known):
    """Each model, created and read back from the catalogue: the names of
    those whose read-back differs from the model."""
    query = catalogue_query()
    differ = {}
    for i, model in enumerate(models):
        url = cluster.create_database(f"catalogue_{i}")
        create_all(url, model)
        conn = connect(url)
        with conn.cursor() as cur:
            cur.execute(query)
            ddl = cur.fetchone()[0]
        conn.close()
        name = model.parent.name if model.name == "after.py" else model.name
        sql = HERE.parents[1] / "target" / "catalogue.sql"
        sql.write_text(ddl)
        written = subprocess.run([retort, "revision", "--from", str(sql), "--to", str(model), "--no-safe", "-m", "check"],
                                 capture_output=True, text=True)
        upgrade = written.stdout.split("def upgrade()")[-1].split("def downgrade")[0]
        if written.returncode != 0 or "op." in upgrade:
            differ[name] = upgrade.strip().splitlines()[2:4]
    problems = [f"{name} reads back from the catalogue differently: {ops}" for name, ops in differ.items()
                if name not in known]
    problems += [f"{name} is listed as differing but now reads back equal: take it off the list"
                 for name in known if name not in differ]
    print(f"catalogue read-back: {len(models) - len(differ)}/{len(models)} models equal to their model, "
          f"{len(differ)} known to differ")
    return problems


def database_form(retort, *args, cwd=None):
    """The schema in database form, its tables, enum types, and the tables'
    constraints and indexes in name order (their order is not the schema's)."""
    out = subprocess.run([retort, "schema", "--format", "json", "--database-form", *args],
                         capture_output=True, text=True, cwd=cwd)
    if not out.stdout.strip():
        return {"error": out.stderr}
    schema = json.loads(out.stdout)
    # A database keeps no order of tables: a revision creates them in
    # dependency order, a model declares them in its own.
    schema["tables"] = sorted(schema.get("tables", []), key=lambda t: (t.get("schema") or "", t["name"]))
    # Nor of types: a type recreated (its values changed) comes last.
    schema["enums"] = sorted(schema.get("enums", []), key=lambda e: (e.get("schema") or "", e["name"]))
    for table in schema.get("tables", []):
        for key in ("foreign_keys", "unique_constraints", "check_constraints", "exclude_constraints", "indexes"):
            table[key] = sorted(table.get(key) or [], key=lambda item: json.dumps(item, sort_keys=True))
    return schema


def run_replay(retort, pair):
    """The pair's chain after a base revision that creates the before model,
    replayed: the schema at the base and at head against the two models."""
    with tempfile.TemporaryDirectory() as folder:
        versions = Path(folder)
        empty = versions / "empty.sql"
        empty.write_text("")
        base = subprocess.run([retort, "revision", "--from", str(empty), "--to", str(pair / "before.py"), "-m", "base",
                               "--rev-id", "000000000001", "--versions", str(versions)], capture_output=True, text=True)
        chain = subprocess.run([retort, "revision", "--from", str(pair / "before.py"), "--to", str(pair / "after.py"),
                                "-m", pair.name, "--rev-id", "0123456789ab", "--down-revision", "000000000001",
                                "--versions", str(versions)] + extra_args(pair, True), capture_output=True, text=True)
        empty.unlink()
        if base.returncode != 0 or chain.returncode != 0:
            return [f"retort revision failed: {base.stderr}{chain.stderr}"]
        problems = []
        for at, model in (("000000000001", "before.py"), ("head", "after.py")):
            replayed = database_form(retort, "--at", at, str(versions))
            wanted = database_form(retort, str(pair / model))
            if replayed != wanted:
                problems.append(f"replayed at {at} differs from {model}:\n  replayed {json.dumps(replayed)[:600]}\n"
                                f"  model    {json.dumps(wanted)[:600]}")
        return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("fixtures")
    args = parser.parse_args()
    fixtures = Path(args.fixtures)
    pairs = sorted(p for p in (fixtures / "pairs").iterdir() if (p / "after.py").exists())
    folders = sorted(p for p in (fixtures / "history").iterdir() if p.is_dir())
    failed = []
    cases = 0
    known_file = fixtures / "catalogue_known.txt"
    known = {line.split()[0] for line in known_file.read_text().splitlines() if line.strip() and not line.startswith("#")}
    models = sorted((fixtures / "pairs").glob("*/after.py")) + sorted((fixtures / "models").glob("*.py"))
    with Cluster(HERE.parents[1] / "target" / "pg-rehearsal") as cluster:
        cases += 1
        report("catalogue read-back of the fixture models", run_catalogue(cluster, args.retort, models, known), failed)
        for folder in folders:
            cases += 1
            report(f"history/{folder.name}", run_folder(cluster, args.retort, folder, pairs[0] / "before.py"), failed)
        replay_known = {line.split()[0] for line in (fixtures / "replay_known.txt").read_text().splitlines()
                        if line.strip() and not line.startswith("#")}
        replayed_equal = 0
        for pair in pairs:
            cases += 1
            report(pair.name, run_pair(cluster, args.retort, pair, safe=True), failed)
            cases += 1
            replay = run_replay(args.retort, pair)
            replayed_equal += not replay
            if pair.name in replay_known:
                replay = [] if replay else [f"{pair.name} is listed in replay_known.txt but replays equal now: "
                                            "take it off the list"]
            report(f"{pair.name} (replayed, no database)", replay, failed)
            if (pair / "alembic_fails.txt").exists():
                cases += 1
                report(f"{pair.name} (Alembic's own revision, failing)", run_pair(cluster, args.retort, pair, safe=False),
                       failed)
        print(f"replay: {replayed_equal}/{len(pairs)} pairs equal to their models at base and head, "
              f"{len(replay_known)} known to differ")
    finish(cases, failed, "Alembic's commands rehearsed by retort equal real Alembic's, command by command")


if __name__ == "__main__":
    main()
