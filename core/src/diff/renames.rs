//! Renames: drop + add pairs that look like a renamed column or table, and
//! the accepted ones turned into `alter_column(new_column_name=…)` and
//! `rename_table`.

use super::compare::{alter_column, autoincrement_column};
use super::*;

pub(super) const TABLE_RENAME_NOTE: &str =
    "a table rename you accepted (--rename-table), where autogenerate sees drop + create";

pub(super) const RENAME_NOTE: &str =
    "a rename you accepted (--rename), where autogenerate sees drop + add";

/// A dropped and an added column of one table that look alike (same stored
/// type and nullability): perhaps a rename that autogenerate sees as drop +
/// add. Offered, never applied unless accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rename {
    pub table: TableRef,
    pub old: String,
    pub new: String,
}

/// The renames `before` → `after` may hide: in each table on both sides,
/// each dropped column paired with the first added column that looks alike.
pub fn rename_candidates(before: &Schema, after: &Schema) -> Vec<Rename> {
    let (before_db, after_db) = (database_form(before), database_form(after));
    let mut found = Vec::new();
    let before_tables = before_db.index();
    for a in &after_db.tables {
        let Some(b) = before_tables.get(a.schema.as_deref(), &a.name) else {
            continue;
        };
        let mut taken: Vec<&str> = Vec::new();
        for old in b.columns.iter().filter(|c| a.column(&c.name).is_none()) {
            let new = a.columns.iter().find(|c| {
                b.column(&c.name).is_none()
                    && !taken.contains(&c.name.as_str())
                    && c.ty == old.ty
                    && c.nullable == old.nullable
            });
            if let Some(new) = new {
                taken.push(&new.name);
                found.push(Rename {
                    table: TableRef::of(a),
                    old: old.name.clone(),
                    new: new.name.clone(),
                });
            }
        }
    }
    found
}

/// A table the user says was renamed: dropped as `old`, added as `new`
/// (in `schema`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRename {
    pub schema: Option<String>,
    pub old: String,
    pub new: String,
}

/// A table's columns: names, types, nullability, in order.
type Shape = Vec<(String, SqlType, bool)>;

/// The table renames `before` → `after` may hide: each dropped table paired
/// with the first added table of the same schema whose columns are the same
/// (names, types, nullability, in order).
pub fn table_rename_candidates(before: &Schema, after: &Schema) -> Vec<TableRename> {
    let (before_db, after_db) = (database_form(before), database_form(after));
    let shape = |t: &Table| -> Shape {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone(), c.nullable))
            .collect()
    };
    let mut taken: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    let (before_tables, after_tables) = (before_db.index(), after_db.index());
    // The added tables, each with its shape.
    let added: Vec<(&Table, Shape)> = after_db
        .tables
        .iter()
        .filter(|t| before_tables.get(t.schema.as_deref(), &t.name).is_none())
        .map(|t| (t, shape(t)))
        .collect();
    for old in before_db
        .tables
        .iter()
        .filter(|t| after_tables.get(t.schema.as_deref(), &t.name).is_none())
    {
        if added.is_empty() {
            break;
        }
        let old_shape = shape(old);
        let new = added
            .iter()
            .find(|(t, shape)| {
                t.schema == old.schema && !taken.contains(&t.name.as_str()) && *shape == old_shape
            })
            .map(|(t, _)| *t);
        if let Some(new) = new {
            taken.push(&new.name);
            found.push(TableRename {
                schema: old.schema.clone(),
                old: old.name.clone(),
                new: new.name.clone(),
            });
        }
    }
    found
}

/// `before` as PostgreSQL stores it, with the accepted table renames made:
/// the tables' new names, foreign keys pointing at them; the names of their
/// indexes and constraints are PostgreSQL's, which a rename keeps.
pub fn renamed_tables(before: &Schema, renames: &[TableRename]) -> Schema {
    let mut schema = database_form(before);
    for rename in renames {
        for table in &mut schema.tables {
            if table.schema == rename.schema && table.name == rename.old {
                table.name = rename.new.clone();
            }
            for fk in &mut table.foreign_keys {
                if fk.referred_schema == rename.schema && fk.referred_table == rename.old {
                    fk.referred_table = rename.new.clone();
                }
            }
        }
    }
    schema
}

/// Replaces an accepted rename's drop + add by `alter_column(...,
/// new_column_name=...)` where the add was.
pub(super) fn apply_renames(
    ops: Vec<Op>,
    renames: &[Rename],
    before_db: &Schema,
    after: &Schema,
    after_db: &Schema,
) -> Vec<Op> {
    let mut ops = ops;
    for rename in renames {
        let is_drop = |op: &Op| matches!(op, Op::DropColumn { table, column, .. } if *table == rename.table && column.name == rename.old);
        let is_add = |op: &Op| matches!(op, Op::AddColumn { table, column, .. } if *table == rename.table && column.name == rename.new);
        let (Some(drop_at), Some(add_at)) =
            (ops.iter().position(is_drop), ops.iter().position(is_add))
        else {
            continue;
        };
        let schema = rename.table.schema.as_deref();
        let found = (
            before_db
                .table(schema, &rename.table.name)
                .and_then(|t| t.column(&rename.old)),
            after_db
                .table(schema, &rename.table.name)
                .and_then(|t| t.column(&rename.new)),
            after.table(schema, &rename.table.name),
        );
        let (Some(existing_db), Some(target_db), Some(model_table)) = found else {
            continue;
        };
        let Some(model) = model_table.column(&rename.new) else {
            continue;
        };
        let alter = alter_column(
            &rename.table,
            existing_db,
            target_db,
            model,
            autoincrement_column(model_table).as_deref(),
        );
        ops[add_at] = Op::Noted {
            note: RENAME_NOTE,
            op: Box::new(Op::AlterColumn(Box::new(alter))),
        };
        ops.remove(drop_at);
    }
    ops
}
