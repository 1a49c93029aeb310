"""Ground truth for retort's model reader.

Imports a SQLAlchemy model file with the real SQLAlchemy and prints its
MetaData as JSON in the shape retort's `Schema` serialises to: types compiled
for the PostgreSQL dialect, nullability, server defaults as DDL text,
constraint and index names as SQLAlchemy gives them, enum values.

    python dump_schema.py MODEL.py|PACKAGE_FOLDER
"""

import importlib.util
import json
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import render
from alembic.autogenerate.api import AutogenContext
from alembic.migration import MigrationContext
from sqlalchemy.dialects import postgresql as pg

DIALECT = pg.dialect()
# How Alembic renders a type in a revision (`render._repr_type`).
AUTOGEN = AutogenContext(
    MigrationContext.configure(dialect=DIALECT, opts={}),
    opts={"sqlalchemy_module_prefix": "sa.", "alembic_module_prefix": "op.", "user_module_prefix": None},
)


def load(path):
    """The modules a model file or a package folder runs when imported: a
    file alone, or the package and every module of it that importing it
    ran (as `retort schema FOLDER` reads them); or an installed module by
    its dotted name."""
    if not Path(path).exists():
        # A module by its dotted name, imported where it is installed.
        return [importlib.import_module(path)]
    path = Path(path)
    if path.is_dir():
        sys.path.insert(0, str(path.parent))
        importlib.import_module(path.name)
        return [m for name, m in list(sys.modules.items()) if name == path.name or name.startswith(path.name + ".")]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return [module]


def metadatas(modules):
    """Every MetaData the modules define, directly, through a declarative
    base or through a Flask-SQLAlchemy instance."""
    found = {}
    for module in modules:
        for value in vars(module).values():
            try:
                metadata = value if isinstance(value, sa.MetaData) else getattr(value, "metadata", None)
            except Exception:  # a proxy (Flask's current_app) outside its context
                continue
            if isinstance(metadata, sa.MetaData) and (metadata is value or isinstance(value, type) or type(value).__name__ == "SQLAlchemy"):
                found[id(metadata)] = metadata
    return list(found.values())


def sql(clause):
    """A check, predicate or computed expression as the DDL (and Alembic's
    revision) writes it: columns unqualified."""
    if clause is None:
        return None
    if isinstance(clause, str):
        return clause
    return str(clause.compile(dialect=DIALECT, compile_kwargs={"literal_binds": True, "include_table": False}))


def sql_element(expr):
    """An index or constraint element: a column by name, else its SQL."""
    if isinstance(expr, sa.Column):
        return expr.name
    return str(expr.compile(dialect=DIALECT, compile_kwargs={"literal_binds": True, "include_table": False}))


def name(n):
    return None if n is None else str(n)


def column(col, ddl):
    identity = col.identity
    return {
        "name": col.name,
        "type": col.type.compile(dialect=DIALECT),
        "sa_type": render._repr_type(col.type, AUTOGEN),
        "nullable": bool(col.nullable),
        "server_default": ddl.get_column_default_string(col),
        "identity": None
        if identity is None
        else {"always": bool(identity.always), "start": identity.start, "increment": identity.increment},
        "computed": None if col.computed is None else sql(col.computed.sqltext),
        "autoincrement": str(col.autoincrement).lower(),
        "comment": col.comment,
    }


def foreign_key(fk):
    referred = [element.target_fullname.rsplit(".", 1) for element in fk.elements]
    table = referred[0][0]
    schema, _, table = table.rpartition(".")
    return {
        "name": name(fk.name),
        "columns": [c.name for c in fk.columns] or [e.parent.name for e in fk.elements],
        "referred_schema": schema or None,
        "referred_table": table,
        "referred_columns": [c for _, c in referred],
        "ondelete": fk.ondelete,
        "onupdate": fk.onupdate,
        "deferrable": fk.deferrable,
        "initially": fk.initially,
    }


def index(ix):
    options = ix.dialect_options["postgresql"]
    found = {
        "name": name(ix.name),
        "unique": bool(ix.unique),
        "expressions": [sql_element(e) for e in ix.expressions],
        "where": sql(options.get("where")),
        "using": options.get("using") or None,
    }
    # Given only where the model has them (retort's JSON leaves them out
    # when empty): operator classes by column name, INCLUDE columns.
    ops = options.get("ops") or {}
    if ops:
        found["ops"] = [[name, ops[name]] for name in ops]
    include = options.get("include") or []
    if include:
        found["include"] = [c if isinstance(c, str) else c.name for c in include]
    return found


def table(t):
    ddl = DIALECT.ddl_compiler(DIALECT, None)
    # Column-level constraints (`Column(..., CheckConstraint(...))`) live on
    # the column in SQLAlchemy and inline in the DDL: the database has them too.
    column_constraints = [c for col in t.columns for c in col.constraints]
    constraints = sorted(
        [*t.constraints, *column_constraints], key=lambda c: (type(c).__name__, name(c.name) or "")
    )
    pk = t.primary_key
    # The order the DDL writes: an implicit key (primary_key=True on columns)
    # puts its autoincrement column first.
    pk_columns = pk.columns_autoinc_first if pk._implicit_generated else list(pk.columns)
    return {
        "schema": t.schema,
        "name": t.name,
        "columns": [column(c, ddl) for c in t.columns],
        "primary_key": {"name": name(pk.name), "columns": [c.name for c in pk_columns]} if len(pk.columns) else None,
        "foreign_keys": [foreign_key(c) for c in constraints if isinstance(c, sa.ForeignKeyConstraint)],
        "unique_constraints": [
            {"name": name(c.name), "columns": [col.name for col in c.columns]}
            for c in constraints
            if isinstance(c, sa.UniqueConstraint)
        ],
        "check_constraints": [
            {"name": name(c.name), "sqltext": sql(c.sqltext)}
            for c in constraints
            if isinstance(c, sa.CheckConstraint) and not getattr(c, "_type_bound", False)
        ],
        "exclude_constraints": [
            {
                "name": name(c.name),
                "using": c.using.lower(),
                "elements": [[sql_element(expr), op] for expr, _, op in c._render_exprs],
                "where": sql(c.where),
            }
            for c in constraints
            if isinstance(c, pg.ExcludeConstraint)
        ],
        "indexes": [index(i) for i in sorted(t.indexes, key=lambda i: name(i.name) or "")],
        "comment": t.comment,
    }


def enums(tables):
    found = {}
    for t in tables:
        for c in t.columns:
            ty = c.type
            if isinstance(ty, sa.ARRAY):
                ty = ty.item_type
            if isinstance(ty, sa.Enum) and ty.native_enum:
                found[(ty.schema or "", ty.name)] = {"schema": ty.schema, "name": ty.name, "values": list(ty.enums)}
    return [found[k] for k in sorted(found)]


def dump(path):
    modules = load(path)
    tables = [t for md in metadatas(modules) for t in md.sorted_tables]
    sequences = {}
    for md in metadatas(modules):
        for seq in md._sequences.values():
            sequences[(seq.schema or "", seq.name)] = {
                "schema": seq.schema,
                "name": seq.name,
                "start": seq.start,
                "increment": seq.increment,
            }
    return {
        "tables": sorted((table(t) for t in tables), key=lambda t: (t["schema"] or "", t["name"])),
        "enums": enums(tables),
        "sequences": [sequences[k] for k in sorted(sequences)],
    }


if __name__ == "__main__":
    json.dump(dump(sys.argv[1]), sys.stdout, indent=2)
    print()
