//! `Op`s → PostgreSQL SQL, as `alembic upgrade --sql` (offline mode) prints
//! the revision the Python renderer writes for the same ops.
//!
//! Each op becomes the statements Alembic's PostgreSQL implementation
//! emits for the objects the revision builds, compiled the way SQLAlchemy's
//! PostgreSQL dialect compiles them: identifiers quoted only where needed,
//! `SERIAL` for a table's autoincrement column, `CREATE TYPE` before the
//! first table that uses an enum, column comments after `CREATE TABLE`,
//! `COMMIT;` … `BEGIN;` around an `autocommit_block`.
//!
//! Two of Alembic's offline quirks are not copied, because they make SQL
//! that PostgreSQL reads differently: `%` doubled in text (with a
//! `pyformat` driver's dialect) and `\` doubled in string literals (an
//! offline dialect assumes `standard_conforming_strings = off`).

use std::collections::HashSet;

use super::objects::{TableConstraint, autoincrement_of, stored_default, table_constraints};
use crate::op::{AlterColumn, Op, Side, TableRef};
use crate::quote::{ident, literal, qualified};
use crate::schema::{Autoincrement, Column, EnumType, ForeignKey, Index, SqlType, Table};

/// A table's name as SQL, schema-qualified and quoted as needed.
pub fn table_name(table: &TableRef) -> String {
    qualified(table.schema.as_deref(), &table.name)
}

/// A column type as SQLAlchemy's PostgreSQL dialect compiles the type the
/// revision names: the model's own, or the reflected one
/// ([`crate::op::reflected_type`]), which fills in what PostgreSQL stores.
pub fn type_sql(ty: &SqlType, side: Side) -> String {
    match (ty, side) {
        (SqlType::Enum { schema, name }, _) => qualified(schema.as_deref(), name),
        (
            SqlType::Array {
                element,
                dimensions,
            },
            _,
        ) => {
            format!(
                "{}{}",
                type_sql(element, side),
                "[]".repeat((*dimensions).max(1) as usize)
            )
        }
        (SqlType::Interval { fields, precision }, _) => {
            let mut text = "INTERVAL".to_string();
            if side == Side::Model {
                if let Some(fields) = fields {
                    text.push_str(&format!(" {fields}"));
                }
                if let Some(p) = precision {
                    text.push_str(&format!(" ({p})"));
                }
            }
            text
        }
        (SqlType::Float { precision: Some(p) }, Side::Database) if *p <= 24 => "REAL".into(),
        (SqlType::Float { .. }, Side::Database) => "DOUBLE PRECISION".into(),
        (
            SqlType::Numeric {
                precision: Some(p),
                scale: None,
            },
            Side::Database,
        ) => format!("NUMERIC({p}, 0)"),
        (SqlType::Char { length: None }, Side::Database) => "CHAR(1)".into(),
        (SqlType::Bit { length: None }, Side::Database) => "BIT(1)".into(),
        (SqlType::Named(name), Side::Database) => name.to_uppercase(),
        _ => ty.to_string(),
    }
}

/// What one op is written as: SQL statements, or a step out of the
/// migration's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    Sql(String),
    /// `COMMIT;` — an `autocommit_block` begins.
    Commit,
    /// `BEGIN;` — it ends.
    Begin,
    /// What Alembic cannot write (it stops there); retort writes the rest.
    Error(String),
}

/// What SQLAlchemy remembers while it runs a migration: the enum types its
/// `CREATE TABLE`s have created (each is created once).
#[derive(Debug, Default)]
pub struct CreatedEnums {
    enums: HashSet<(Option<String>, String)>,
}

/// The statements of one op.
pub fn statements(op: &Op, enums: &[EnumType], memo: &mut CreatedEnums) -> Vec<Statement> {
    let sql = |text: String| vec![Statement::Sql(text)];
    match op {
        Op::CreateTable { table, side } => create_table(table, *side, enums, memo),
        Op::DropTable { table, .. } => sql(format!(
            "DROP TABLE {}",
            qualified(table.schema.as_deref(), &table.name)
        )),
        Op::AddColumn {
            table,
            column,
            side,
        } => {
            let mut out = sql(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                table_name(table),
                column_spec(column, *side, false)
            ));
            if let Some(comment) = &column.comment {
                out.push(Statement::Sql(column_comment(
                    table,
                    &column.name,
                    Some(comment),
                )));
            }
            out
        }
        Op::DropColumn { table, column, .. } => sql(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            table_name(table),
            ident(&column.name)
        )),
        Op::AlterColumn(alter) => alter_column(alter),
        Op::CreateIndex { table, index, .. } => sql(create_index(table, index, false)),
        Op::DropIndex { table, index, .. } => drop_index(table, index, false),
        Op::CreateUniqueConstraint {
            table,
            constraint,
            side,
            ..
        } => sql(format!(
            "ALTER TABLE {} ADD {}UNIQUE {}({})",
            table_name(table),
            constraint_name(constraint.name.as_deref()),
            // A reflected constraint carries postgresql_nulls_not_distinct=False.
            if *side == Side::Database {
                "NULLS DISTINCT "
            } else {
                ""
            },
            idents(&constraint.columns)
        )),
        Op::DropUniqueConstraint {
            table, constraint, ..
        } => drop_constraint(table, constraint.name.as_deref(), "UniqueConstraint"),
        Op::CreateForeignKey { table, fk, .. } => sql(format!(
            "ALTER TABLE {} ADD {}",
            table_name(table),
            foreign_key(fk)
        )),
        Op::DropForeignKey { table, fk, .. } => {
            drop_constraint(table, fk.name.as_deref(), "ForeignKeyConstraint")
        }
        Op::CreateTableComment { table, comment, .. } => sql(format!(
            "COMMENT ON TABLE {} IS {}",
            table_name(table),
            literal(comment)
        )),
        Op::DropTableComment { table, .. } => {
            sql(format!("COMMENT ON TABLE {} IS NULL", table_name(table)))
        }
        Op::Execute { sql: text, .. } if text.trim().is_empty() => Vec::new(),
        Op::Execute { sql: text, .. } => sql(text.trim().to_string()),
        Op::CreateEnumType { enum_type } => sql(create_type(enum_type)),
        Op::DropEnumType { enum_type } => sql(format!(
            "DROP TYPE {}",
            qualified(enum_type.schema.as_deref(), &enum_type.name)
        )),
        Op::Noted { op, .. } => statements(op, enums, memo),
        Op::Concurrently(op) => match &**op {
            Op::CreateIndex { table, index, .. } => {
                vec![Statement::Sql(create_index(table, index, true))]
            }
            Op::DropIndex { table, index, .. } => drop_index(table, index, true),
            other => statements(other, enums, memo),
        },
        Op::RenameTable { schema, old, new } => sql(format!(
            "ALTER TABLE {} RENAME TO {}",
            qualified(schema.as_deref(), old),
            ident(new)
        )),
        Op::CreateCheckConstraint {
            table,
            name,
            sqltext,
        } => sql(format!(
            "ALTER TABLE {} ADD {}CHECK ({sqltext})",
            table_name(table),
            constraint_name(name.as_deref())
        )),
        Op::DropConstraint {
            table, name, kind, ..
        } => drop_constraint(
            table,
            name.as_deref(),
            kind.as_deref().unwrap_or("constraint"),
        ),
        Op::AutocommitBlock(ops) => {
            let mut out = vec![Statement::Commit];
            for op in ops {
                out.extend(statements(op, enums, memo));
            }
            out.push(Statement::Begin);
            out
        }
        Op::Sql { sql: text, .. } if text.trim().is_empty() => Vec::new(),
        Op::Sql { sql: text, .. } => sql(text.trim().to_string()),
        Op::Command(command) => sql(command.sql()),
        Op::NotValid(op) => statements(op, enums, memo)
            .into_iter()
            .map(|statement| match statement {
                Statement::Sql(text) => Statement::Sql(format!("{text} NOT VALID")),
                other => other,
            })
            .collect(),
        Op::CreatePrimaryKey {
            table,
            name,
            columns,
        } => sql(format!(
            "ALTER TABLE {} ADD {}PRIMARY KEY ({})",
            table_name(table),
            constraint_name(name.as_deref()),
            idents(columns)
        )),
        Op::CreateExcludeConstraint { table, constraint } => {
            let elements: Vec<String> = constraint
                .elements
                .iter()
                .map(|(element, operator)| format!("{} WITH {operator}", index_element(element)))
                .collect();
            sql(format!(
                "ALTER TABLE {} ADD {}EXCLUDE USING {} ({}){}",
                table_name(table),
                constraint_name(constraint.name.as_deref()),
                constraint.using,
                elements.join(", "),
                constraint
                    .r#where
                    .as_deref()
                    .map(|w| format!(" WHERE ({w})"))
                    .unwrap_or_default()
            ))
        }
        Op::Unread { code } => {
            if code.trim_start().starts_with('#') {
                return Vec::new();
            }
            vec![Statement::Error(format!(
                "not read, so not in the SQL: {}",
                code.lines().next().unwrap_or("").trim()
            ))]
        }
        Op::AddEnumValue {
            enum_type,
            value,
            after,
        } => {
            let position = after
                .as_deref()
                .map(|a| format!(" AFTER {}", literal(a)))
                .unwrap_or_default();
            // The revision spells the type as the model does (unquoted).
            let name = match &enum_type.schema {
                Some(schema) => format!("{schema}.{}", enum_type.name),
                None => enum_type.name.clone(),
            };
            vec![
                Statement::Commit,
                Statement::Sql(format!(
                    "ALTER TYPE {name} ADD VALUE IF NOT EXISTS {}{position}",
                    literal(value)
                )),
                Statement::Begin,
            ]
        }
    }
}

fn idents(names: &[String]) -> String {
    names
        .iter()
        .map(|n| ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn constraint_name(name: Option<&str>) -> String {
    name.map(|n| format!("CONSTRAINT {} ", ident(n)))
        .unwrap_or_default()
}

fn create_type(enum_type: &EnumType) -> String {
    let values: Vec<String> = enum_type.values.iter().map(|v| literal(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qualified(enum_type.schema.as_deref(), &enum_type.name),
        values.join(", ")
    )
}

fn drop_constraint(table: &TableRef, name: Option<&str>, kind: &str) -> Vec<Statement> {
    match name {
        Some(name) => vec![Statement::Sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            table_name(table),
            ident(name)
        ))],
        None => vec![Statement::Error(format!(
            "cannot drop an unnamed {kind} on {}: DROP CONSTRAINT needs its name (give it one, or use a naming convention)",
            table.name
        ))],
    }
}

/// `FOREIGN KEY(a) REFERENCES t (b) ON DELETE … ON UPDATE … DEFERRABLE
/// INITIALLY …`, with `CONSTRAINT name` first when named.
fn foreign_key(fk: &ForeignKey) -> String {
    let mut text = format!(
        "{}FOREIGN KEY({}) REFERENCES {} ({})",
        constraint_name(fk.name.as_deref()),
        idents(&fk.columns),
        qualified(fk.referred_schema.as_deref(), &fk.referred_table),
        idents(&fk.referred_columns)
    );
    if let Some(action) = &fk.ondelete {
        text.push_str(&format!(" ON DELETE {action}"));
    }
    if let Some(action) = &fk.onupdate {
        text.push_str(&format!(" ON UPDATE {action}"));
    }
    if fk.deferrable == Some(true) {
        text.push_str(" DEFERRABLE");
    }
    if let Some(initially) = &fk.initially {
        text.push_str(&format!(" INITIALLY {initially}"));
    }
    text
}

fn column_comment(table: &TableRef, column: &str, comment: Option<&str>) -> String {
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        table_name(table),
        ident(column),
        comment.map_or("NULL".to_string(), literal)
    )
}

/// The server default as the revision passes it: the model's SQL (a string
/// literal stays one), or PostgreSQL's stored text for a reflected column.
fn default_sql(column: &Column, side: Side) -> Option<String> {
    let sql = column.server_default.as_deref()?;
    Some(match side {
        Side::Model => sql.to_string(),
        Side::Database => stored_default(sql, &column.ty),
    })
}

/// A column in `CREATE TABLE` or `ADD COLUMN`; `serial`: it is its
/// table's autoincrement column.
fn column_spec(column: &Column, side: Side, serial: bool) -> String {
    let mut spec = ident(&column.name);
    let identity = column.identity.as_ref();
    if serial && identity.is_none() {
        spec.push_str(match column.ty {
            SqlType::BigInt => " BIGSERIAL",
            SqlType::SmallInt => " SMALLSERIAL",
            _ => " SERIAL",
        });
    } else {
        spec.push(' ');
        spec.push_str(&type_sql(&column.ty, side));
        if identity.is_none()
            && column.computed.is_none()
            && let Some(default) = default_sql(column, side)
        {
            spec.push_str(&format!(" DEFAULT {default}"));
        }
    }
    if let Some(expression) = &column.computed {
        spec.push_str(&format!(" GENERATED ALWAYS AS ({expression}) STORED"));
    }
    if let Some(identity) = identity {
        spec.push_str(&identity_sql(identity));
        if column.nullable {
            spec.push_str(" NULL");
        }
    } else if !column.nullable {
        spec.push_str(" NOT NULL");
    }
    spec
}

/// SQLAlchemy's `Table._autoincrement_column` for the table the revision
/// builds: the primary key column rendered `autoincrement=True`, or a lone
/// integer (or numeric) primary key column left at "auto" that is in no
/// foreign key and has no server default.
pub(crate) fn autoincrement_column(table: &Table, side: Side) -> Option<&str> {
    let pk = table.primary_key.as_ref()?;
    let columns: Vec<&Column> = pk.columns.iter().filter_map(|c| table.column(c)).collect();
    if let [only] = columns.as_slice() {
        let numeric = matches!(
            only.ty,
            SqlType::Integer | SqlType::BigInt | SqlType::SmallInt | SqlType::Numeric { .. }
        );
        let in_fk = table
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.contains(&only.name));
        let has_default = only.server_default.is_some() && only.identity.is_none();
        return match autoincrement_of(only, side) {
            Autoincrement::True => Some(&only.name),
            Autoincrement::Auto if numeric && !in_fk && !has_default => Some(&only.name),
            _ => None,
        };
    }
    columns
        .iter()
        .rev()
        .find(|c| autoincrement_of(c, side) == Autoincrement::True)
        .map(|c| c.name.as_str())
}

fn create_table(
    table: &Table,
    side: Side,
    enums: &[EnumType],
    memo: &mut CreatedEnums,
) -> Vec<Statement> {
    let mut out = Vec::new();
    let table_ref = TableRef::of(table);
    // SQLAlchemy's enum types create themselves before the first table
    // that uses them.
    for column in table.columns.iter().filter(|c| !c.reuses_type()) {
        let mut ty = &column.ty;
        while let SqlType::Array { element, .. } = ty {
            ty = element;
        }
        let SqlType::Enum { schema, name } = ty else {
            continue;
        };
        if !memo.enums.insert((schema.clone(), name.clone())) {
            continue;
        }
        if let Some(enum_type) = enums
            .iter()
            .find(|e| &e.name == name && &e.schema == schema)
        {
            out.push(Statement::Sql(create_type(enum_type)));
        }
    }
    let serial = autoincrement_column(table, side);
    let mut items: Vec<String> = table
        .columns
        .iter()
        .map(|c| column_spec(c, side, serial == Some(c.name.as_str())))
        .collect();
    let constraints = table_constraints(table, side);
    // The primary key first, then the others in the revision's order.
    let (primary, others): (Vec<_>, Vec<_>) = constraints
        .iter()
        .partition(|(_, c)| matches!(c, TableConstraint::PrimaryKey(_)));
    for (_, constraint) in primary.into_iter().chain(others) {
        items.push(match constraint {
            TableConstraint::PrimaryKey(pk) => format!(
                "{}PRIMARY KEY ({})",
                constraint_name(pk.name.as_deref()),
                idents(&pk.columns)
            ),
            TableConstraint::ForeignKey(fk) => foreign_key(fk),
            TableConstraint::Unique(unique) => format!(
                "{}UNIQUE ({})",
                constraint_name(unique.name.as_deref()),
                idents(&unique.columns)
            ),
            TableConstraint::Check(check) => format!(
                "{}CHECK ({})",
                constraint_name(check.name.as_deref()),
                check.sqltext
            ),
        });
    }
    out.push(Statement::Sql(format!(
        "CREATE TABLE {} (\n    {}\n)",
        table_name(&table_ref),
        items.join(", \n    ")
    )));
    if let Some(comment) = &table.comment {
        out.push(Statement::Sql(format!(
            "COMMENT ON TABLE {} IS {}",
            table_name(&table_ref),
            literal(comment)
        )));
    }
    for column in &table.columns {
        if let Some(comment) = &column.comment {
            out.push(Statement::Sql(column_comment(
                &table_ref,
                &column.name,
                Some(comment),
            )));
        }
    }
    out
}

/// An index element: a column name (quoted as needed) or an expression.
fn index_element(element: &str) -> String {
    let plain = !element.is_empty() && element.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        ident(element)
    } else {
        element.to_string()
    }
}

fn create_index(table: &TableRef, index: &Index, concurrently: bool) -> String {
    let elements: Vec<String> = index
        .expressions
        .iter()
        .map(|e| {
            let class = index.ops.iter().find(|(column, _)| column == e);
            match class {
                Some((_, class)) => format!("{} {class}", index_element(e)),
                None => index_element(e),
            }
        })
        .collect();
    let mut text = format!(
        "CREATE {}INDEX {}{} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        index.name.as_deref().map(ident).unwrap_or_default(),
        table_name(table)
    );
    if let Some(using) = index.rendered_using() {
        text.push_str(&format!(" USING {}", using.to_lowercase()));
    }
    text.push_str(&format!(" ({})", elements.join(", ")));
    if !index.include.is_empty() {
        text.push_str(&format!(" INCLUDE ({})", idents(&index.include)));
    }
    if let Some(predicate) = index.rendered_where() {
        text.push_str(&format!(" WHERE {predicate}"));
    }
    text
}

fn drop_index(table: &TableRef, index: &Index, concurrently: bool) -> Vec<Statement> {
    let Some(name) = &index.name else {
        return vec![Statement::Error(format!(
            "cannot drop an unnamed index on {}",
            table.name
        ))];
    };
    vec![Statement::Sql(format!(
        "DROP INDEX {}{}",
        if concurrently { "CONCURRENTLY " } else { "" },
        qualified(table.schema.as_deref(), name)
    ))]
}

/// ` GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 2 START WITH 5)`, as
/// SQLAlchemy writes it.
fn identity_sql(identity: &crate::schema::Identity) -> String {
    let mut text = if identity.always {
        " GENERATED ALWAYS AS IDENTITY".to_string()
    } else {
        " GENERATED BY DEFAULT AS IDENTITY".to_string()
    };
    let mut options = Vec::new();
    if let Some(increment) = identity.increment {
        options.push(format!("INCREMENT BY {increment}"));
    }
    if let Some(start) = identity.start {
        options.push(format!("START WITH {start}"));
    }
    if !options.is_empty() {
        text.push_str(&format!(" ({})", options.join(" ")));
    }
    text
}

/// Alembic's PostgreSQL `alter_column`: the type first, then nullability,
/// the default, the comment, and the new name last.
fn alter_column(alter: &AlterColumn) -> Vec<Statement> {
    let table = table_name(&alter.table);
    let column = ident(&alter.column);
    let mut out = Vec::new();
    if let Some(target) = &alter.ty.target {
        out.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} TYPE {}{}",
            type_sql(&target.column.ty, target.side),
            alter
                .using
                .as_ref()
                .map(|using| format!(" USING {using}"))
                .unwrap_or_default()
        ));
    }
    if let Some(nullable) = alter.nullable.target {
        out.push(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} {} NOT NULL",
            if nullable { "DROP" } else { "SET" }
        ));
    }
    if let Some(target) = &alter.server_default.target {
        let had = alter.server_default.existing.column.identity.as_ref();
        out.push(match (had, &target.column.identity) {
            (None, Some(identity)) => {
                format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} ADD{}",
                    identity_sql(identity)
                )
            }
            // `server_default=None` from an identity: Alembic's revision
            // does not say the old default was one (no
            // existing_server_default), so Alembic runs DROP DEFAULT, and
            // the identity stays (safe mode writes DROP IDENTITY itself).
            (Some(_), None) => format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"),
            (Some(_), Some(identity)) => format!(
                "ALTER TABLE {table} ALTER COLUMN {column} SET GENERATED {}",
                if identity.always {
                    "ALWAYS"
                } else {
                    "BY DEFAULT"
                }
            ),
            (None, None) => match default_sql(&target.column, target.side) {
                Some(default) => {
                    format!("ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {default}")
                }
                None => format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"),
            },
        });
    }
    if let Some(comment) = &alter.comment.target {
        out.push(column_comment(
            &alter.table,
            &alter.column,
            comment.as_deref(),
        ));
    }
    if let Some(new_name) = &alter.new_name {
        out.push(format!(
            "ALTER TABLE {table} RENAME {column} TO {}",
            ident(new_name)
        ));
    }
    out.into_iter().map(Statement::Sql).collect()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::diff::{Options, plan};
    use crate::op::Migration;
    use crate::python::read_schema;
    use crate::render::script::{Direction, OfflineScript, ScriptRevision, script};

    #[test]
    fn the_version_table_follows_branches_and_merges_both_ways() {
        let none = Migration::default();
        let rev = |id, downs: &[&'static str]| ScriptRevision {
            rev_id: id,
            down_revisions: downs.to_vec(),
            depends_on: Vec::new(),
            migration: &none,
        };
        let chain = [
            rev("a", &[]),
            rev("b", &["a"]),
            rev("c", &["a"]),
            rev("m", &["b", "c"]),
        ];
        let versions = |direction| -> Vec<String> {
            script(&chain, direction, &[])
                .text
                .split(";\n\n")
                .map(|s| s.rsplit("\n\n").next().unwrap_or(s))
                .filter(|s| s.contains("alembic_version") && !s.starts_with("CREATE"))
                .map(|s| s.split(" WHERE").next().unwrap_or(s).to_string())
                .collect()
        };
        assert_eq!(
            versions(Direction::Upgrade),
            [
                "INSERT INTO alembic_version (version_num) VALUES ('a') RETURNING alembic_version.version_num",
                "UPDATE alembic_version SET version_num='b'",
                // `c` starts a second row: its parent is no longer a head.
                "INSERT INTO alembic_version (version_num) VALUES ('c') RETURNING alembic_version.version_num",
                // The merge keeps one row of the two.
                "DELETE FROM alembic_version",
                "UPDATE alembic_version SET version_num='m'",
            ]
        );
        let down = script(&chain, Direction::Downgrade, &[]).text;
        assert!(down.contains("-- Running downgrade m -> b, c"), "{down}");
        assert_eq!(
            versions(Direction::Downgrade),
            [
                "INSERT INTO alembic_version (version_num) VALUES ('b') RETURNING alembic_version.version_num",
                "UPDATE alembic_version SET version_num='c'",
                "DELETE FROM alembic_version",
                "UPDATE alembic_version SET version_num='a'",
                "DELETE FROM alembic_version",
            ]
        );
    }

    fn upgrade_sql(before: &str, after: &str) -> OfflineScript {
        let head = "import sqlalchemy as sa\nfrom sqlalchemy import ForeignKey, Identity, String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n";
        let (before, _) = read_schema(&format!("{head}{before}"));
        let (after, _) = read_schema(&format!("{head}{after}"));
        let (steps, _) = plan(&before, &after, Options { safe: true }, &[], &[]);
        let ids = ["a1", "a2", "a3"];
        let revisions: Vec<ScriptRevision<'_>> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                ScriptRevision::linear(ids[i], i.checked_sub(1).map(|p| ids[p]), &step.migration)
            })
            .collect();
        script(&revisions, Direction::Upgrade, &after.enums)
    }

    #[test]
    fn a_new_table_is_created_with_serial_identity_and_constraints() {
        let script = upgrade_sql(
            "",
            "\n\nclass T(Base):\n    __tablename__ = 'tickets'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    n: Mapped[int] = mapped_column(Identity(start=5, increment=2))\n    title: Mapped[str] = mapped_column(String(20), server_default='x', comment='the title')\n",
        );
        assert!(script.errors.is_empty());
        assert!(
            script.text.contains(
                "CREATE TABLE tickets (\n    id SERIAL NOT NULL, \n    n INTEGER GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 2 START WITH 5), \n    title VARCHAR(20) DEFAULT 'x' NOT NULL, \n    PRIMARY KEY (id)\n);\n\nCOMMENT ON COLUMN tickets.title IS 'the title';"
            ),
            "{}",
            script.text
        );
        assert!(
            script
                .text
                .starts_with("BEGIN;\n\nCREATE TABLE alembic_version")
        );
        assert!(
            script
                .text
                .ends_with("RETURNING alembic_version.version_num;\n\nCOMMIT;\n\n")
        );
    }

    #[test]
    fn a_not_null_column_runs_as_three_revisions_validated_outside_the_transaction() {
        let users = "\n\nclass U(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n";
        let script = upgrade_sql(
            users,
            &format!("{users}    handle: Mapped[str] = mapped_column(String(40))\n"),
        );
        let text = &script.text;
        let order = [
            "-- Running upgrade  -> a1",
            "ALTER TABLE users ADD COLUMN handle VARCHAR(40);",
            "-- Running upgrade a1 -> a2",
            "UPDATE users SET handle = '' WHERE handle IS NULL;",
            "UPDATE alembic_version SET version_num='a2' WHERE alembic_version.version_num = 'a1';",
            "-- Running upgrade a2 -> a3",
            // NOT NULL proven by a CHECK validated outside the transaction,
            // so SET NOT NULL skips its scan.
            "ALTER TABLE users ADD CONSTRAINT users_handle_not_null CHECK (handle IS NOT NULL) NOT VALID;",
            "COMMIT;",
            "ALTER TABLE users VALIDATE CONSTRAINT users_handle_not_null;",
            "BEGIN;",
            "ALTER TABLE users ALTER COLUMN handle SET NOT NULL;",
            "ALTER TABLE users DROP CONSTRAINT users_handle_not_null;",
        ];
        // Each after the one before it.
        let mut at = 0;
        for s in order {
            at += text[at..]
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing after byte {at} in {text}"));
        }
        // One transaction, but for the VALIDATE.
        assert_eq!(text.matches("BEGIN;").count(), 2);
    }

    #[test]
    fn concurrent_indexes_leave_the_transaction_and_unnamed_drops_are_errors() {
        let users = "\n\nclass U(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    email: Mapped[str] = mapped_column(String(40)";
        let script = upgrade_sql(&format!("{users})\n"), &format!("{users}, index=True)\n"));
        assert!(
            script.text.contains(
                "COMMIT;\n\nCREATE INDEX CONCURRENTLY ix_users_email ON users (email);\n\nBEGIN;"
            ),
            "{}",
            script.text
        );
        let table = TableRef {
            schema: None,
            name: "users".into(),
        };
        let drop = Op::DropUniqueConstraint {
            table,
            constraint: crate::schema::UniqueConstraint {
                name: None,
                columns: vec!["email".into()],
            },
            convention_name: false,
            side: Side::Model,
        };
        let out = statements(&drop, &[], &mut CreatedEnums::default());
        assert!(matches!(&out[..], [Statement::Error(m)] if m.contains("unnamed")));
    }
}
