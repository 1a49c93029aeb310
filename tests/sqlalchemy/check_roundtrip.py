"""Round trip through a real PostgreSQL: each fixture model is created with
SQLAlchemy's `metadata.create_all` on a throwaway Debian PostgreSQL cluster,
dumped with `pg_dump --schema-only`, and the dump read by retort's SQL reader
must give the schema retort's Python reader reads from the model — both in
the database form (`retort schema --database-form`), which spells types,
unnamed constraint names and expressions the way PostgreSQL stores them.

    python check_roundtrip.py --retort target/debug/retort tests/fixtures/models

The dumps are kept in target/roundtrip/ for inspection. Exit status 0 when
every fixture round-trips, 1 otherwise (with a diff per fixture).
"""

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from check_models import canonical, finish, report
from dump_schema import load, metadatas
from pgcluster import Cluster

ROOT = Path(__file__).resolve().parents[2]


def create_all(url, path):
    """What a project does before its first migration: the schemas, the enum
    types it declares with create_type=False, then metadata.create_all."""
    engine = sa.create_engine(url)
    mds = metadatas(load(str(path)))
    with engine.begin() as conn:
        schemas = set()
        for md in mds:
            schemas |= {t.schema for t in md.tables.values() if t.schema}
            schemas |= {s.schema for s in md._sequences.values() if s.schema}
            for t in md.tables.values():
                for col in t.columns:
                    ty = getattr(col.type, "item_type", col.type)
                    if getattr(ty, "schema", None):
                        schemas.add(ty.schema)
        for schema in sorted(schemas):
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        for md in mds:
            for t in md.tables.values():
                for col in t.columns:
                    ty = getattr(col.type, "item_type", col.type)
                    if isinstance(ty, pg.ENUM) and not ty.create_type:
                        ty.create(conn, checkfirst=True)
    for md in mds:
        md.create_all(engine)
    engine.dispose()


def retort_schema(retort, path):
    run = subprocess.run([retort, "schema", str(path), "--format", "json", "--database-form"],
                         capture_output=True, text=True)
    return run.returncode, run.stdout, run.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("fixtures")
    args = parser.parse_args()
    # Model files, and package folders (read whole, imports followed).
    fixtures = sorted(p for p in Path(args.fixtures).iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file())
    if not fixtures:
        sys.exit(f"no fixtures in {args.fixtures}")
    dumps = ROOT / "target" / "roundtrip"
    dumps.mkdir(parents=True, exist_ok=True)
    failed = []
    with Cluster(ROOT / "target" / "pg-roundtrip") as cluster:
        for fixture in fixtures:
            database = fixture.stem
            try:
                create_all(cluster.create_database(database), fixture)
            except Exception as error:  # noqa: BLE001 - reported per fixture
                failed.append(fixture.name)
                print(f"FAIL {fixture.name}: create_all failed: {error}")
                continue
            dump = dumps / f"{fixture.stem}.sql"
            dump.write_text(cluster.dump_schema(database))
            problems = []
            code, model_json, model_err = retort_schema(args.retort, fixture)
            dcode, dump_json, dump_err = retort_schema(args.retort, dump)
            if code != 0 or dcode != 0 or model_err.strip() or dump_err.strip():
                problems.append(f"retort exited {code} (model) / {dcode} (dump)\n{model_err}{dump_err}")
            else:
                ours = canonical(json.loads(dump_json))
                model = canonical(json.loads(model_json))
                if ours != model:
                    problems.append("\n".join(difflib.unified_diff(
                        model, ours, f"{fixture.name} (model)", f"{dump.name} (pg_dump)", lineterm="")))
            report(fixture.name, problems, failed)
    finish(len(fixtures), failed, "pg_dump of create_all reads back as the model")


if __name__ == "__main__":
    main()
