//! Enum types through their life, in safe mode: values added, types a new
//! table reuses (`create_type=False`), types a column converts to, types
//! nothing uses any more.
//!
//! Alembic's autogenerate compares none of this: `create_table` creates
//! the types of its columns (and fails when one exists), `add_column` and
//! `alter_column` create none, and a type whose last column goes stays in
//! the database.

use super::*;
use crate::schema::NO_CREATE_TYPE;

pub(super) const REUSED_TYPE_NOTE: &str =
    "the enum type exists already: create_type=False, so create_table does not create it again";

/// The types of `before` that no column of `after` uses: dropped at the end
/// of the upgrade (and created first in the downgrade).
pub(super) fn unused(before: &Schema, after: &Schema) -> Vec<EnumType> {
    before
        .enums
        .iter()
        .filter(|e| find(&after.enums, &e.schema, &e.name).is_none())
        .cloned()
        .collect()
}

pub(super) fn find<'e>(
    enums: &'e [EnumType],
    schema: &Option<String>,
    name: &str,
) -> Option<&'e EnumType> {
    enums.iter().find(|e| &e.schema == schema && e.name == name)
}

/// Alembic renders an enum column's type without `create_type=False`
/// (SQLAlchemy's repr leaves it out), so the revision's `create_table`
/// creates the type even where the model says not to.
pub(super) fn as_alembic_renders(op: &mut Op) {
    let strip =
        |column: &mut Column| column.sa_type = crate::schema::as_alembic_renders(&column.sa_type);
    match op {
        Op::CreateTable { table, .. } | Op::DropTable { table, .. } => {
            table.columns.iter_mut().for_each(strip)
        }
        Op::AddColumn { column, .. } | Op::DropColumn { column, .. } => strip(column),
        Op::AlterColumn(alter) => {
            if let Some(target) = &mut alter.ty.target {
                strip(&mut target.column);
            }
        }
        Op::Noted { op, .. } => as_alembic_renders(op),
        _ => {}
    }
}

/// A `create_table` whose enum columns use one of `existing` (a type the
/// database has when it runs): rendered `postgresql.ENUM(...,
/// create_type=False)`, with a note, so it does not create the type again.
pub(super) fn reuse_types(op: Op, existing: &[EnumType]) -> Op {
    let Op::CreateTable { mut table, side } = op else {
        return op;
    };
    let mut reused = false;
    for column in &mut table.columns {
        let SqlType::Enum { schema, name } = &column.ty else {
            continue;
        };
        let Some(enum_type) = find(existing, schema, name) else {
            continue;
        };
        let created = enum_type.postgresql_repr(true);
        let open = created.strip_suffix(')').unwrap_or(&created);
        column.sa_type = format!("{open}{NO_CREATE_TYPE}");
        reused = true;
    }
    let op = Op::CreateTable { table, side };
    if !reused {
        return op;
    }
    Op::Noted {
        note: REUSED_TYPE_NOTE,
        op: Box::new(op),
    }
}

/// The expression `ALTER COLUMN … TYPE` needs to convert `column` from
/// `from` to the enum type `to`: PostgreSQL casts a string to an enum only
/// explicitly, and one enum to another only through text.
pub(super) fn using_to_enum(column: &str, from: &SqlType, to: &SqlType) -> Option<String> {
    let SqlType::Enum { .. } = to else {
        return None;
    };
    let column = crate::quote::ident(column);
    match from {
        SqlType::Text | SqlType::Varchar { .. } | SqlType::Char { .. } => {
            Some(format!("{column}::{to}"))
        }
        SqlType::Enum { .. } if from != to => Some(format!("{column}::text::{to}")),
        _ => None,
    }
}

pub(super) const RECREATE_NOTE: &str = "PostgreSQL cannot remove or reorder the values of an enum type: it is recreated and each column converted, which rewrites the tables. A row that holds a value the type loses stops the revision here (invalid input value for enum), with nothing changed";

/// What gives each type both sides have its values in `to`, and what gives
/// them back in `from`: `(upgrade, downgrade)`.
///
/// Values only added (the old ones kept, in order) are added in place
/// (`ALTER TYPE … ADD VALUE`, no rewrite). Anything else — and every
/// downgrade of added values, since PostgreSQL cannot drop a value — is a
/// recreation, as alembic-postgresql-enum's `sync_enum_values` does it:
/// the type renamed aside, created with the new values, each column that
/// uses it converted through text (its default dropped and restored), the
/// old type dropped. The columns are those of `from` (`stored`: its
/// database form): both ways the change runs while the database has
/// `from`'s tables (first in the upgrade, last in the downgrade).
pub(super) fn value_changes(from: &Schema, stored: &Schema, to: &Schema) -> (Vec<Op>, Vec<Op>) {
    let (mut upgrade, mut downgrade) = (Vec::new(), Vec::new());
    for new in &to.enums {
        let Some(old) = find(&from.enums, &new.schema, &new.name) else {
            continue;
        };
        if old.values == new.values {
            continue;
        }
        // Every old value still there, in the same order.
        let only_added = new
            .values
            .iter()
            .filter(|v| old.values.contains(v))
            .eq(old.values.iter());
        if only_added {
            for (i, value) in new.values.iter().enumerate() {
                if !old.values.contains(value) {
                    upgrade.push(Op::AddEnumValue {
                        enum_type: new.clone(),
                        value: value.clone(),
                        after: i.checked_sub(1).map(|p| new.values[p].clone()),
                    });
                }
            }
        } else {
            upgrade.extend(recreate(stored, old, &new.values));
        }
        downgrade.extend(recreate(stored, new, &old.values));
    }
    (upgrade, downgrade)
}

/// The statements that give `enum_type` the values `values`, converting the
/// columns of `tables` (a schema in database form) that use it.
fn recreate(tables: &Schema, enum_type: &EnumType, values: &[String]) -> Vec<Op> {
    use crate::quote::{ident, literal};
    let qualified = |name: &str| crate::quote::qualified(enum_type.schema.as_deref(), name);
    let (name, aside) = (
        qualified(&enum_type.name),
        qualified(&format!("{}_old", enum_type.name)),
    );
    let statement = |sql: String| Op::Execute {
        sql,
        note: "",
        undo: String::new(),
        undo_note: "",
    };
    let mut ops = vec![
        Op::Execute {
            sql: format!(
                "ALTER TYPE {name} RENAME TO {}",
                ident(&format!("{}_old", enum_type.name))
            ),
            note: RECREATE_NOTE,
            undo: String::new(),
            undo_note: "",
        },
        statement(format!(
            "CREATE TYPE {name} AS ENUM ({})",
            values
                .iter()
                .map(|v| literal(v))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ];
    for table in &tables.tables {
        let table_name = crate::quote::qualified(table.schema.as_deref(), &table.name);
        for column in &table.columns {
            let (new_type, text_type) = match &column.ty {
                SqlType::Enum { schema, name: n }
                    if *schema == enum_type.schema && *n == enum_type.name =>
                {
                    (name.clone(), "text")
                }
                SqlType::Array {
                    element,
                    dimensions,
                } if matches!(&**element, SqlType::Enum { schema, name: n } if *schema == enum_type.schema && *n == enum_type.name) =>
                {
                    let brackets = "[]".repeat(*dimensions as usize);
                    (format!("{name}{brackets}"), "text[]")
                }
                _ => continue,
            };
            let alter = format!(
                "ALTER TABLE {table_name} ALTER COLUMN {}",
                ident(&column.name)
            );
            if column.server_default.is_some() {
                ops.push(statement(format!("{alter} DROP DEFAULT")));
            }
            ops.push(statement(format!(
                "{alter} TYPE {new_type} USING {}::{text_type}::{new_type}",
                ident(&column.name)
            )));
            if let Some(default) = &column.server_default {
                ops.push(statement(format!("{alter} SET DEFAULT {default}")));
            }
        }
    }
    ops.push(statement(format!("DROP TYPE {aside}")));
    ops
}
