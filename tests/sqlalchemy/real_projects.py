"""Ground truth over real projects: their model files as released on PyPI,
read by `retort schema` and imported by the real SQLAlchemy.

    python real_projects.py --retort target/release/retort [--markdown]

The projects are installed (pinned, from PyPI) in the venv this runs in, by
`cargo xtask test`, from tests/sqlalchemy/projects.txt; their files are read
where pip put them, never copied into this repository.

For each model module, real SQLAlchemy imports it (in a process of its own)
and every table of the MetaData it fills is compared with what retort reads
from the module's file (following its imports, as `retort schema FILE`
does): the table, each column (every field dump_schema.py compares), each
constraint and index (with names), each enum. A difference is *silent* when
retort said nothing (no warning, no error) where the table is declared: in
the mapped class, or in the `Table(...)` call.

Exit 1 when the goals are not met: 95% of tables and 90% of columns and of
constraints and indexes exactly equal, and no silent difference.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (project, model modules, how its models are written). Versions are pinned
# in projects.txt.
PROJECTS = [
    ("optuna", ["optuna.storages._rdb.models"], "declarative, `BaseModel: Any`"),
    ("celery", ["celery.backends.database.models"], "declarative base from another module"),
    ("prefect", ["prefect.server.database.orm_models"], "declarative, mixins, TypeDecorators"),
    ("jupyterhub", ["jupyterhub.orm"], "declarative, TypeDecorators"),
    ("flask-appbuilder", ["flask_appbuilder.security.sqla.models"], "Flask-style `Model` of the library"),
    ("sqlalchemy-celery-beat", ["sqlalchemy_celery_beat.models"], "declarative, mixins"),
    ("buildbot", ["buildbot.db.model"], "Core `Table`s as class attributes"),
    (
        "dagster",
        [
            "dagster._core.storage.runs.schema",
            "dagster._core.storage.event_log.schema",
            "dagster._core.storage.schedules.schema",
        ],
        "Core `Table`s, `import sqlalchemy as db`",
    ),
]

TRUTH = r"""
import inspect, json, sys
sys.path.insert(0, sys.argv[1])
import importlib
import sqlalchemy as sa
from sqlalchemy.orm import mapperlib
import dump_schema

module = importlib.import_module(sys.argv[2])
mds = dump_schema.metadatas([module])
tables = [t for md in mds for t in md.sorted_tables]
where = {}
for registry in list(mapperlib._mapper_registries):
    for mapper in registry.mappers:
        table = mapper.local_table
        if not isinstance(table, sa.Table) or table.key in where:
            continue
        # The class and every class it inherits from: a column of a mixin
        # or a base is declared (and reported on) there.
        ranges = []
        for cls in mapper.class_.__mro__:
            try:
                lines, first = inspect.getsourcelines(cls)
                ranges.append([inspect.getsourcefile(cls), first, first + len(lines) - 1])
            except (OSError, TypeError):
                pass
        where[table.key] = ranges
print(json.dumps({
    "tables": [dump_schema.table(t) for t in tables],
    "enums": dump_schema.enums(tables),
    "where": where,
    "file": module.__file__,
}))
"""

DIAGNOSTIC = re.compile(r"^(.*?):(\d+):(\d+): (error|warning|info): (.*)$")


def truth(module):
    run = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", TRUTH, str(HERE), module], capture_output=True, text=True
    )
    if run.returncode != 0:
        sys.exit(f"SQLAlchemy cannot import {module}:\n{run.stderr}")
    return json.loads(run.stdout)


def ours(retort, path):
    run = subprocess.run([retort, "schema", path, "--format", "json"], capture_output=True, text=True)
    if run.returncode not in (0, 1) or not run.stdout.strip():
        sys.exit(f"retort schema {path} failed ({run.returncode}):\n{run.stderr}")
    diagnostics = []
    for line in run.stderr.splitlines():
        m = DIAGNOSTIC.match(line)
        if m:
            diagnostics.append((str(Path(m[1]).resolve()), int(m[2]), m[4], m[5]))
    return json.loads(run.stdout), diagnostics


def key(item):
    return json.dumps(item, sort_keys=True)


def table_key(t):
    return (t["schema"] or "", t["name"])


def core_table_lines(path, name):
    """The lines of the `Table("name", ...)` call that declares `name` in a
    file: from the line with the name to the next top-level statement."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    literal = re.compile(r"""Table\(\s*$|Table\(\s*['"]""" + re.escape(name) + r"""['"]|^\s*['"]""" + re.escape(name) + r"""['"]\s*,""")
    for i, line in enumerate(lines):
        if literal.search(line) and (name in line or name in (lines[i + 1] if i + 1 < len(lines) else "")):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t)]#"):
                end += 1
            return [str(Path(path).resolve()), i + 1, end]
    return None


def items(table):
    """The constraints and indexes of a table, each as (kind, canonical)."""
    found = []
    if table["primary_key"]:
        found.append(("primary key", key(table["primary_key"])))
    for field in ("foreign_keys", "unique_constraints", "check_constraints", "exclude_constraints", "indexes"):
        found.extend((field, key(item)) for item in table[field])
    return found


def compare(module, retort):
    real = truth(module)
    schema, diagnostics = ours(retort, real["file"])
    read = {table_key(t): t for t in schema["tables"]}
    counts = dict(tables=0, tables_equal=0, columns=0, columns_equal=0, items=0, items_equal=0, enums=0,
                  enums_equal=0, differences=0, silent=0)
    notes = []

    def said(where):
        return any(
            d[0] == str(Path(path).resolve()) and first <= d[1] <= last and d[2] != "info"
            for path, first, last in where or []
            for d in diagnostics
        )

    for t in real["tables"]:
        counts["tables"] += 1
        where = real["where"].get(".".join(filter(None, table_key(t))))
        if where is None:
            lines = core_table_lines(real["file"], t["name"])
            where = [lines] if lines else None
        explained = said(where)
        mine = read.get(table_key(t))
        their_columns = t["columns"]
        their_items = items(t)
        counts["columns"] += len(their_columns)
        counts["items"] += len(their_items)
        if mine is None:
            counts["differences"] += 1
            counts["silent"] += 0 if explained else 1
            notes.append(f"  table {t['name']}: not read{'' if explained else ' (silent)'}")
            continue
        counts["tables_equal"] += 1
        my_columns = {c["name"]: key(c) for c in mine["columns"]}
        for c in their_columns:
            if my_columns.get(c["name"]) == key(c):
                counts["columns_equal"] += 1
            else:
                counts["differences"] += 1
                counts["silent"] += 0 if explained else 1
                got = json.loads(my_columns[c["name"]]) if c["name"] in my_columns else {}
                diff = {k: (v, got.get(k)) for k, v in c.items() if got.get(k) != v}
                notes.append(f"  column {t['name']}.{c['name']}: {diff}{'' if explained else ' (silent)'}")
        mine_items = items(mine)
        for item in their_items:
            if item in mine_items:
                counts["items_equal"] += 1
                mine_items.remove(item)
            else:
                counts["differences"] += 1
                counts["silent"] += 0 if explained else 1
                notes.append(f"  {item[0]} of {t['name']}: {item[1]}{'' if explained else ' (silent)'}")
        for item in mine_items:
            notes.append(f"  extra {item[0]} of {t['name']}: {item[1]}")
    their_tables = {table_key(t) for t in real["tables"]}
    for extra in sorted(set(read) - their_tables):
        notes.append(f"  extra table {'.'.join(filter(None, extra))} (not in the MetaData)")
    my_enums = [key(e) for e in schema["enums"]]
    for e in real["enums"]:
        counts["enums"] += 1
        if key(e) in my_enums:
            counts["enums_equal"] += 1
        else:
            counts["differences"] += 1
            notes.append(f"  enum {e['name']}: {e['values']}")
    return counts, notes


def percent(part, whole):
    return "n/a" if whole == 0 else f"{100 * part / whole:.1f}%"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("--markdown", action="store_true", help="print the summary as a Markdown table")
    parser.add_argument("--verbose", action="store_true", help="list every difference")
    args = parser.parse_args()
    total = None
    rows = []
    for project, modules, style in PROJECTS:
        counts = None
        notes = []
        for module in modules:
            c, n = compare(module, args.retort)
            counts = c if counts is None else {k: counts[k] + c[k] for k in counts}
            notes.extend(f"{module}:{line}" for line in n) if len(modules) > 1 else notes.extend(n)
        total = counts if total is None else {k: total[k] + counts[k] for k in total}
        rows.append((project, style, counts))
        print(
            f"{project:24} tables {counts['tables_equal']}/{counts['tables']}"
            f"  columns {counts['columns_equal']}/{counts['columns']}"
            f"  constraints+indexes {counts['items_equal']}/{counts['items']}"
            f"  enums {counts['enums_equal']}/{counts['enums']}"
            f"  differences {counts['differences']} (silent {counts['silent']})"
        )
        if args.verbose or counts["silent"]:
            print("\n".join(notes))
    print(
        f"\nall {len(PROJECTS)} projects: tables {percent(total['tables_equal'], total['tables'])}"
        f" ({total['tables_equal']}/{total['tables']}), columns {percent(total['columns_equal'], total['columns'])}"
        f" ({total['columns_equal']}/{total['columns']}), constraints+indexes"
        f" {percent(total['items_equal'], total['items'])} ({total['items_equal']}/{total['items']}),"
        f" differences {total['differences']}, silent {total['silent']}"
    )
    if args.markdown:
        print("\n| project | models | tables | columns | constraints + indexes | differences (silent) |")
        print("|---|---|---|---|---|---|")
        for project, style, c in rows:
            print(
                f"| {project} | {style} | {c['tables_equal']}/{c['tables']} | {c['columns_equal']}/{c['columns']}"
                f" | {c['items_equal']}/{c['items']} | {c['differences']} ({c['silent']}) |"
            )
    met = (
        total["tables_equal"] >= 0.95 * total["tables"]
        and total["columns_equal"] >= 0.90 * total["columns"]
        and total["items_equal"] >= 0.90 * total["items"]
        and total["silent"] == 0
    )
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
