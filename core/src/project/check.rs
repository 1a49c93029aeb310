//! `alembic check` with no database: the models compared with the schema
//! the revisions replay to, by autogenerate's own comparison, with the
//! project's `context.configure` options applied as Alembic applies them
//! (`compare_type`, `compare_server_default`, `include_schemas`,
//! `include_object`, `include_name`).

use serde::Serialize;

use super::env::ConfigureOptions;
use super::filter::{Filter, Object};
use crate::diff;
use crate::op::{Migration, Op, TableRef};
use crate::quote::py_repr as python_repr;
use crate::schema::{Schema, Table};

/// One difference, as Alembic's `as_diffs()` names it: the kind
/// (`add_column`, `modify_nullable`…), the table and the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub kind: &'static str,
    pub schema: Option<String>,
    pub table: String,
    /// The column, index or constraint (none for a table).
    pub name: Option<String>,
}

/// The upgrade ops autogenerate would write for `models` over `database`
/// (the replayed head), with the project's options.
pub fn compare(database: &Schema, models: &Schema, options: &ConfigureOptions) -> Migration {
    let (database, models) = comparable(database, models, options);
    diff::diff(&database, &models)
}

/// The two schemas as Alembic compares them: other schemas left out
/// without `include_schemas`, the hooks' exclusions applied (the
/// database's side is what Alembic reflects), types and server defaults
/// made equal where they are not compared.
pub fn comparable(
    database: &Schema,
    models: &Schema,
    options: &ConfigureOptions,
) -> (Schema, Schema) {
    let mut database = database.clone();
    let mut models = models.clone();
    if !options.include_schemas.unwrap_or(false) {
        let default = |t: &Table| t.schema.as_deref().is_none_or(|s| s == "public");
        database.tables.retain(default);
        models.tables.retain(default);
    }
    let counterparts_db: Vec<(Option<String>, String)> = models
        .tables
        .iter()
        .map(|t| (t.schema.clone(), t.name.clone()))
        .collect();
    let counterparts_model: Vec<(Option<String>, String)> = database
        .tables
        .iter()
        .map(|t| (t.schema.clone(), t.name.clone()))
        .collect();
    filter_side(&mut database, options, true, &counterparts_db);
    filter_side(&mut models, options, false, &counterparts_model);
    for table in &mut models.tables {
        let Some(existing) = database.table(table.schema.as_deref(), &table.name) else {
            continue;
        };
        for column in &mut table.columns {
            let Some(db) = existing.column(&column.name) else {
                continue;
            };
            if !options.compares_types() {
                column.ty = db.ty.clone();
            }
            if !options.compares_server_defaults() {
                column.server_default = db.server_default.clone();
            }
        }
    }
    (database, models)
}

/// Removes from one side what the hooks exclude.
fn filter_side(
    schema: &mut Schema,
    options: &ConfigureOptions,
    reflected: bool,
    other: &[(Option<String>, String)],
) {
    // include_name is asked of reflected objects only.
    let name_hook = options.include_name.as_ref().filter(|_| reflected);
    let hooks: Vec<&Filter> = name_hook
        .into_iter()
        .chain(options.include_object.as_ref())
        .collect();
    if hooks.is_empty() {
        return;
    }
    let keep = |object: Object<'_>| hooks.iter().all(|h| h.includes(&object));
    schema.tables.retain(|t| {
        let schema_ok = !reflected
            || options.include_name.is_none()
            || t.schema.is_none()
            || keep(Object {
                type_: "schema",
                name: t.schema.as_deref(),
                schema: None,
                table: None,
                reflected,
                has_counterpart: true,
            });
        schema_ok
            && keep(Object {
                type_: "table",
                name: Some(&t.name),
                schema: t.schema.as_deref(),
                table: None,
                reflected,
                has_counterpart: other.iter().any(|(s, n)| *s == t.schema && *n == t.name),
            })
    });
    for table in &mut schema.tables {
        fn in_table<'t>(
            table: &'t Table,
            type_: &'t str,
            name: Option<&'t str>,
            reflected: bool,
        ) -> Object<'t> {
            Object {
                type_,
                name,
                schema: table.schema.as_deref(),
                table: Some(&table.name),
                reflected,
                has_counterpart: true,
            }
        }
        let table_ref: &Table = table;
        let columns: Vec<bool> = table
            .columns
            .iter()
            .map(|c| keep(in_table(table_ref, "column", Some(&c.name), reflected)))
            .collect();
        let indexes: Vec<bool> = table
            .indexes
            .iter()
            .map(|i| keep(in_table(table_ref, "index", i.name.as_deref(), reflected)))
            .collect();
        let uniques: Vec<bool> = table
            .unique_constraints
            .iter()
            .map(|u| {
                keep(in_table(
                    table_ref,
                    "unique_constraint",
                    u.name.as_deref(),
                    reflected,
                ))
            })
            .collect();
        let fks: Vec<bool> = table
            .foreign_keys
            .iter()
            .map(|f| {
                keep(in_table(
                    table_ref,
                    "foreign_key_constraint",
                    f.name.as_deref(),
                    reflected,
                ))
            })
            .collect();
        let mut flags = columns.into_iter();
        table.columns.retain(|_| flags.next().unwrap_or(true));
        let mut flags = indexes.into_iter();
        table.indexes.retain(|_| flags.next().unwrap_or(true));
        let mut flags = uniques.into_iter();
        table
            .unique_constraints
            .retain(|_| flags.next().unwrap_or(true));
        let mut flags = fks.into_iter();
        table.foreign_keys.retain(|_| flags.next().unwrap_or(true));
    }
}

/// The differences in `upgrade`, one per Alembic diff tuple (an
/// `alter_column` changing two things is two).
pub fn differences(upgrade: &[Op]) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut push = |kind, table: &TableRef, name: Option<&str>| {
        out.push(Difference {
            kind,
            schema: table.schema.clone(),
            table: table.name.clone(),
            name: name.map(str::to_string),
        });
    };
    for op in upgrade {
        match op {
            Op::CreateTable { table, .. } => push("add_table", &TableRef::of(table), None),
            Op::DropTable { table, .. } => push("remove_table", &TableRef::of(table), None),
            Op::AddColumn { table, column, .. } => push("add_column", table, Some(&column.name)),
            Op::DropColumn { table, column, .. } => {
                push("remove_column", table, Some(&column.name));
            }
            Op::AlterColumn(alter) => {
                let name = Some(alter.column.as_str());
                if alter.ty.target.is_some() {
                    push("modify_type", &alter.table, name);
                }
                if alter.nullable.target.is_some() {
                    push("modify_nullable", &alter.table, name);
                }
                if alter.server_default.target.is_some() {
                    push("modify_default", &alter.table, name);
                }
                if alter.comment.target.is_some() {
                    push("modify_comment", &alter.table, name);
                }
            }
            Op::CreateIndex { table, index, .. } => push("add_index", table, index.name.as_deref()),
            Op::DropIndex { table, index, .. } => {
                push("remove_index", table, index.name.as_deref());
            }
            Op::CreateUniqueConstraint {
                table, constraint, ..
            } => push("add_constraint", table, constraint.name.as_deref()),
            Op::DropUniqueConstraint {
                table, constraint, ..
            } => push("remove_constraint", table, constraint.name.as_deref()),
            Op::CreateForeignKey { table, fk, .. } => push("add_fk", table, fk.name.as_deref()),
            Op::DropForeignKey { table, fk, .. } => push("remove_fk", table, fk.name.as_deref()),
            Op::CreateTableComment { table, .. } => push("add_table_comment", table, None),
            Op::DropTableComment { table, .. } => push("remove_table_comment", table, None),
            _ => {}
        }
    }
    out
}

/// What `alembic check` prints: "No new upgrade operations detected." or
/// its error with the diffs, each named as Alembic's tuple names it (the
/// SQLAlchemy objects by their names, not their full reprs).
pub fn alembic_words(differences: &[Difference]) -> String {
    if differences.is_empty() {
        return "No new upgrade operations detected.".to_string();
    }
    let items: Vec<String> = differences
        .iter()
        .map(|d| {
            let schema = d.schema.as_deref().map_or("None".to_string(), python_repr);
            let mut item = format!("('{}', {schema}, {}", d.kind, python_repr(&d.table));
            if let Some(name) = &d.name {
                item.push_str(", ");
                item.push_str(&python_repr(name));
            }
            item.push(')');
            item
        })
        .collect();
    format!("New upgrade operations detected: [{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::sql::read_schema;

    fn schema(sql: &str) -> Schema {
        read_schema(sql).0
    }

    #[test]
    fn server_defaults_are_compared_only_when_asked() {
        let db = schema("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 1);");
        let model =
            schema("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 2, bio TEXT);");
        let found = differences(&compare(&db, &model, &ConfigureOptions::default()).upgrade);
        assert_eq!(
            alembic_words(&found),
            "New upgrade operations detected: [('add_column', None, 't', 'bio')]"
        );
        let options = ConfigureOptions {
            compare_server_default: Some(true),
            ..ConfigureOptions::default()
        };
        let found = differences(&compare(&db, &model, &options).upgrade);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].kind, "modify_default");
    }

    #[test]
    fn other_schemas_need_include_schemas() {
        let db = schema("CREATE TABLE t (id INTEGER PRIMARY KEY);");
        let model = schema(
            "CREATE TABLE t (id INTEGER PRIMARY KEY); CREATE SCHEMA a; CREATE TABLE a.u (id INTEGER PRIMARY KEY);",
        );
        let none = differences(&compare(&db, &model, &ConfigureOptions::default()).upgrade);
        assert_eq!(alembic_words(&none), "No new upgrade operations detected.");
        let options = ConfigureOptions {
            include_schemas: Some(true),
            ..ConfigureOptions::default()
        };
        let found = differences(&compare(&db, &model, &options).upgrade);
        assert_eq!(found[0].kind, "add_table");
    }
}
