//! Schema × Schema → the ordered operations Alembic's autogenerate would
//! emit, comparing the way it does with `compare_type=True` and
//! `compare_server_default=True`.
//!
//! The `before` schema plays the database (Alembic reflects it), the
//! `after` schema the model (`target_metadata`). Equality is judged on the
//! database form ([`crate::sql::stored::database_form`]): what PostgreSQL
//! would store for each side. The order is Alembic's: new tables in
//! dependency order (each followed by its indexes), then dropped tables,
//! then each existing table by (schema, name) — added columns, altered
//! columns, index and unique-constraint changes, dropped columns.

use crate::diagnostic::Diagnostic;
use crate::op::{AlterColumn, Change, Migration, Op, Side, Sided, TableRef};
use crate::schema::Autoincrement;
use crate::schema::{Column, EnumType, Schema, SqlType, Table};
use crate::sql::stored::database_form;

/// How much of retort's own judgement goes into the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Safe mode: also what Alembic's revision would need to run at all —
    /// schemas it does not create, enum types `add_column` does not create
    /// (and `drop_table` does not drop), names for constraints Alembic
    /// leaves unnamed in `drop_constraint`. Each addition is marked in the
    /// revision with a `# retort:` comment.
    pub safe: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { safe: true }
    }
}

/// One revision of a plan: a suffix for its message, and its ops.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub message: String,
    pub migration: Migration,
}

/// A `NOT NULL` column added to an existing table without a server default
/// fails on a table with rows. Safe mode splits it the way the SOP says:
/// add it nullable, backfill, then set `NOT NULL` — three revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Backfill {
    pub table: TableRef,
    pub column: String,
    /// The SQL that fills existing rows.
    pub expression: String,
    /// Whether the user gave it (`false`: the type's empty value).
    pub given: bool,
}

/// The revisions for a change: one, or three when safe mode splits `NOT
/// NULL` columns. `backfill` gives the fill expressions by
/// (table, column); a column without one gets its type's empty value (and
/// a `Backfill` with `given: false` says so).
/// `renames` are the [`rename_candidates`] the user accepted.
pub fn plan(
    before: &Schema,
    after: &Schema,
    options: Options,
    backfill: &[(String, String, String)],
    renames: &[Rename],
) -> (Vec<Step>, Vec<Backfill>) {
    let (ops, after_db) = compare(before, after);
    let ops = apply_renames(ops, renames, &database_form(before), after, &after_db);
    if !options.safe {
        let downgrade = ops.iter().rev().map(Op::inverse).collect();
        return (
            vec![Step {
                message: String::new(),
                migration: Migration {
                    upgrade: ops,
                    downgrade,
                },
            }],
            Vec::new(),
        );
    }
    let mut fills = Vec::new();
    let ops: Vec<Op> = ops
        .into_iter()
        .map(|op| match op {
            Op::AddColumn {
                table,
                mut column,
                side,
            } if needs_backfill(&column) => {
                let given = backfill
                    .iter()
                    .find(|(t, c, _)| *t == table.name && *c == column.name)
                    .map(|(_, _, e)| e.clone());
                fills.push(Backfill {
                    table: table.clone(),
                    column: column.name.clone(),
                    given: given.is_some(),
                    expression: given.unwrap_or_else(|| empty_value(&column.ty, after)),
                });
                column.nullable = true;
                Op::Noted {
                    note: NULLABLE_NOTE,
                    op: Box::new(Op::AddColumn {
                        table,
                        column,
                        side,
                    }),
                }
            }
            other => other,
        })
        .collect();
    let first = safe(before, after, &after_db, ops);
    if fills.is_empty() {
        return (
            vec![Step {
                message: String::new(),
                migration: first,
            }],
            fills,
        );
    }
    let backfills: Vec<Op> = fills
        .iter()
        .map(|f| Op::Execute {
            sql: format!(
                "UPDATE {} SET {} = {} WHERE {} IS NULL",
                qualified(&f.table),
                f.column,
                f.expression,
                f.column
            ),
            note: if f.given {
                BACKFILL_NOTE
            } else {
                BACKFILL_EMPTY_NOTE
            },
            undo: String::new(),
            undo_note: BACKFILL_UNDO_NOTE,
        })
        .collect();
    let set_not_null: Vec<Op> = fills
        .iter()
        .filter_map(|f| {
            let table = after_db.table(f.table.schema.as_deref(), &f.table.name)?;
            let column = table.column(&f.column)?;
            let stored = Sided {
                column: Box::new(column.clone()),
                side: Side::Database,
            };
            Some(Op::Noted {
                note: NOT_NULL_NOTE,
                op: Box::new(Op::AlterColumn(Box::new(AlterColumn {
                    table: f.table.clone(),
                    column: f.column.clone(),
                    ty: Change {
                        existing: stored.clone(),
                        target: None,
                    },
                    server_default: Change {
                        existing: stored,
                        target: None,
                    },
                    nullable: Change {
                        existing: true,
                        target: Some(false),
                    },
                    comment: Change {
                        existing: column.comment.clone(),
                        target: None,
                    },
                    autoincrement: None,
                    new_name: None,
                }))),
            })
        })
        .collect();
    let step = |message: &str, upgrade: Vec<Op>| Step {
        message: message.to_string(),
        migration: Migration {
            downgrade: upgrade.iter().rev().map(Op::inverse).collect(),
            upgrade,
        },
    };
    (
        vec![
            Step {
                message: "1/3: new NOT NULL columns added as nullable".into(),
                migration: first,
            },
            Step {
                message: "2/3: backfill".into(),
                migration: Migration {
                    upgrade: backfills,
                    downgrade: vec![Op::Execute {
                        sql: String::new(),
                        note: BACKFILL_UNDO_NOTE,
                        undo: String::new(),
                        undo_note: BACKFILL_UNDO_NOTE,
                    }],
                },
            },
            step("3/3: set NOT NULL", set_not_null),
        ],
        fills,
    )
}

const CHECK_CHANGED_NOTE: &str =
    "Alembic does not compare CHECK constraints: this one's condition changed in the model";
const CHECK_REMOVED_NOTE: &str =
    "Alembic does not compare CHECK constraints: this one is gone from the model";
const CHECK_ADDED_NOTE: &str =
    "Alembic does not compare CHECK constraints: this one is new in the model";
const COLUMN_CHECK_NOTE: &str =
    "Alembic's create_table leaves out CHECK constraints declared on a column";
const NULLABLE_NOTE: &str = "added nullable: NOT NULL without a default fails on a table with rows; revision 3/3 sets NOT NULL after the backfill";
const TABLE_RENAME_NOTE: &str =
    "a table rename you accepted (--rename-table), where autogenerate sees drop + create";
const RENAME_NOTE: &str = "a rename you accepted (--rename), where autogenerate sees drop + add";
const NOT_NULL_NOTE: &str = "every row has a value now (revision 2/3)";
const BACKFILL_NOTE: &str = "fill the rows that exist, as given";
const BACKFILL_EMPTY_NOTE: &str = "fill the rows that exist with the type's empty value (give your own: --backfill TABLE.COLUMN=EXPR)";
const BACKFILL_UNDO_NOTE: &str =
    "the filled values stay: revision 1/3's downgrade drops the column";

fn needs_backfill(column: &crate::schema::Column) -> bool {
    !column.nullable
        && column.server_default.is_none()
        && column.identity.is_none()
        && column.computed.is_none()
}

fn qualified(table: &TableRef) -> String {
    match &table.schema {
        Some(schema) => format!("{schema}.{}", table.name),
        None => table.name.clone(),
    }
}

/// A value every type has, for rows that existed before the column.
fn empty_value(ty: &SqlType, schema: &Schema) -> String {
    match ty {
        SqlType::SmallInt
        | SqlType::Integer
        | SqlType::BigInt
        | SqlType::Numeric { .. }
        | SqlType::Float { .. }
        | SqlType::Real
        | SqlType::DoublePrecision
        | SqlType::Money
        | SqlType::Oid => "0".into(),
        SqlType::Boolean => "false".into(),
        SqlType::Timestamp { .. } | SqlType::Time { .. } => "now()".into(),
        SqlType::Date => "CURRENT_DATE".into(),
        SqlType::Interval { .. } => "'0'::interval".into(),
        SqlType::Json | SqlType::Jsonb => "'{}'".into(),
        SqlType::Uuid => "gen_random_uuid()".into(),
        SqlType::Array { .. } => "'{}'".into(),
        SqlType::Enum { schema: s, name } => schema
            .enums
            .iter()
            .find(|e| &e.name == name && &e.schema == s)
            .and_then(|e| e.values.first())
            .map_or_else(|| "NULL".into(), |v| format!("'{}'", v.replace('\'', "''"))),
        SqlType::Bytea => "''::bytea".into(),
        _ => "''".into(),
    }
}

/// Compares `before` (the database) with `after` (the model), as Alembic
/// does (no safe-mode additions).
pub fn diff(before: &Schema, after: &Schema) -> Migration {
    diff_with(before, after, Options { safe: false })
}

/// Compares `before` (the database) with `after` (the model).
pub fn diff_with(before: &Schema, after: &Schema, options: Options) -> Migration {
    let (ops, after_db) = compare(before, after);
    if options.safe {
        return safe(before, after, &after_db, ops);
    }
    let downgrade = ops.iter().rev().map(Op::inverse).collect();
    Migration {
        upgrade: ops,
        downgrade,
    }
}

/// Alembic's comparison: the upgrade ops, and the model in database form.
fn compare(before: &Schema, after: &Schema) -> (Vec<Op>, Schema) {
    let before_db = database_form(before);
    let after_db = database_form(after);
    let find = |schema: &Schema, t: &Table| schema.table(t.schema.as_deref(), &t.name).cloned();
    let mut ops = Vec::new();

    for table in sorted_tables(after) {
        if find(before, table).is_some() {
            continue;
        }
        ops.push(Op::CreateTable {
            table: Box::new(table.clone()),
            side: Side::Model,
        });
        for index in sorted_indexes(table) {
            ops.push(Op::CreateIndex {
                table: TableRef::of(table),
                convention_name: is_convention_name(table, index.name.as_deref()),
                index: Box::new(index.clone()),
            });
        }
    }

    let mut removed: Vec<&Table> = before
        .tables
        .iter()
        .filter(|t| find(after, t).is_none())
        .collect();
    removed.sort_by_key(|t| (t.schema.clone().unwrap_or_default(), t.name.clone()));
    // What Alembic reflects: the database form (PostgreSQL's names, serial
    // columns, stored types), every name rendered as `op.f()`.
    let removed: Vec<Table> = removed
        .into_iter()
        .filter_map(|t| find(&before_db, t))
        .collect();
    for table in &removed {
        for index in sorted_indexes(table) {
            ops.push(Op::DropIndex {
                table: TableRef::of(table),
                index: Box::new(index.clone()),
                convention_name: true,
            });
        }
        ops.push(Op::DropTable {
            table: Box::new(table.clone()),
            side: Side::Database,
        });
    }

    let mut existing: Vec<(&Table, &Table)> = after
        .tables
        .iter()
        .filter_map(|a| {
            before
                .tables
                .iter()
                .find(|b| b.name == a.name && b.schema == a.schema)
                .map(|b| (b, a))
        })
        .collect();
    existing.sort_by_key(|(_, a)| (a.schema.clone().unwrap_or_default(), a.name.clone()));
    for (b, a) in existing {
        let (Some(b_db), Some(a_db)) = (find(&before_db, b), find(&after_db, a)) else {
            continue;
        };
        compare_table(b, a, &b_db, &a_db, &mut ops);
    }

    (ops, after_db)
}

const SCHEMA_NOTE: &str = "Alembic does not create schemas; the tables below need this one";
const SCHEMA_UNDO_NOTE: &str = "the schema the upgrade created";
const NAME_NOTE: &str = "Alembic leaves this name None; this is the name PostgreSQL gave it";

/// What Alembic's revision needs to run, added around its ops.
fn safe(before: &Schema, after: &Schema, after_db: &Schema, ops: Vec<Op>) -> Migration {
    let mut upgrade = Vec::new();
    // Schemas the new tables live in that the database does not use yet.
    let mut new_schemas: Vec<String> = after
        .tables
        .iter()
        .filter_map(|t| t.schema.clone())
        .filter(|s| !before.tables.iter().any(|b| b.schema.as_deref() == Some(s)))
        .collect();
    new_schemas.sort();
    new_schemas.dedup();
    for schema in &new_schemas {
        upgrade.push(Op::Execute {
            sql: format!("CREATE SCHEMA IF NOT EXISTS {schema}"),
            note: SCHEMA_NOTE,
            undo: format!("DROP SCHEMA IF EXISTS {schema}"),
            undo_note: SCHEMA_UNDO_NOTE,
        });
    }
    // Values added to enum types both sides have, in the type's order.
    for enum_type in &after.enums {
        let Some(old) = before
            .enums
            .iter()
            .find(|e| e.name == enum_type.name && e.schema == enum_type.schema)
        else {
            continue;
        };
        for (i, value) in enum_type.values.iter().enumerate() {
            if !old.values.contains(value) {
                upgrade.push(Op::AddEnumValue {
                    enum_type: enum_type.clone(),
                    value: value.clone(),
                    after: i.checked_sub(1).map(|p| enum_type.values[p].clone()),
                });
            }
        }
    }
    let new_enum = |ty: &SqlType| -> Option<EnumType> {
        let SqlType::Enum { schema, name } = element_type(ty) else {
            return None;
        };
        let exists = before
            .enums
            .iter()
            .any(|e| &e.name == name && &e.schema == schema);
        (!exists)
            .then(|| {
                after
                    .enums
                    .iter()
                    .find(|e| &e.name == name && &e.schema == schema)
                    .cloned()
            })
            .flatten()
    };
    let mut created: Vec<EnumType> = Vec::new();
    let mut with_tables: Vec<EnumType> = Vec::new();
    let new_tables: Vec<TableRef> = ops
        .iter()
        .filter_map(|op| match op {
            Op::CreateTable { table, .. } => Some(TableRef::of(table)),
            _ => None,
        })
        .collect();
    // CHECK constraints Alembic does not compare, on tables both sides have.
    let before_db = database_form(before);
    let mut checks = Vec::new();
    for a in &after_db.tables {
        let Some(b) = before_db.table(a.schema.as_deref(), &a.name) else {
            continue;
        };
        let model = after.table(a.schema.as_deref(), &a.name);
        let was_model = before.table(b.schema.as_deref(), &b.name);
        let table = TableRef::of(a);
        for (i, old) in b.check_constraints.iter().enumerate() {
            let kept = a
                .check_constraints
                .iter()
                .any(|c| c.name == old.name && c.sqltext == old.sqltext);
            if !kept {
                let written = was_model
                    .and_then(|t| t.check_constraints.get(i))
                    .map_or(&old.sqltext, |c| &c.sqltext);
                let changed = a.check_constraints.iter().any(|c| c.name == old.name);
                checks.push(Op::Noted {
                    note: if changed {
                        CHECK_CHANGED_NOTE
                    } else {
                        CHECK_REMOVED_NOTE
                    },
                    op: Box::new(Op::DropConstraint {
                        table: table.clone(),
                        name: old.name.clone(),
                        kind: Some("check".into()),
                        check: Some(written.clone()),
                    }),
                });
            }
        }
        for (i, new) in a.check_constraints.iter().enumerate() {
            let existed = b
                .check_constraints
                .iter()
                .any(|c| c.name == new.name && c.sqltext == new.sqltext);
            if !existed {
                let written = model
                    .and_then(|t| t.check_constraints.get(i))
                    .map_or(&new.sqltext, |c| &c.sqltext);
                let changed = b.check_constraints.iter().any(|c| c.name == new.name);
                checks.push(Op::Noted {
                    note: if changed {
                        CHECK_CHANGED_NOTE
                    } else {
                        CHECK_ADDED_NOTE
                    },
                    op: Box::new(Op::CreateCheckConstraint {
                        table: table.clone(),
                        name: new.name.clone(),
                        sqltext: written.clone(),
                    }),
                });
            }
        }
    }
    let mut column_checks: Vec<TableRef> = Vec::new();
    for op in ops {
        // CHECK constraints declared on a column: Alembic's create_table
        // leaves them out; created right after the table.
        let mut extra: Vec<Op> = Vec::new();
        if let Op::CreateTable {
            table,
            side: Side::Model,
        } = &op
        {
            let stored = after_db.table(table.schema.as_deref(), &table.name);
            extra = table
                .check_constraints
                .iter()
                .enumerate()
                .filter(|(_, c)| c.on_column)
                .map(|(i, c)| Op::Noted {
                    note: COLUMN_CHECK_NOTE,
                    op: Box::new(Op::CreateCheckConstraint {
                        table: TableRef::of(table),
                        name: stored
                            .and_then(|t| t.check_constraints.get(i))
                            .and_then(|s| s.name.clone())
                            .or_else(|| c.name.clone()),
                        sqltext: c.sqltext.clone(),
                    }),
                })
                .collect();
            if !extra.is_empty() {
                column_checks.push(TableRef::of(table));
            }
        }
        // An index on a table that already has rows: built CONCURRENTLY.
        if let Op::CreateIndex { table, .. } | Op::DropIndex { table, .. } = &op
            && !new_tables.contains(table)
        {
            upgrade.push(Op::AutocommitBlock(vec![Op::Concurrently(Box::new(op))]));
            continue;
        }
        match &op {
            Op::AddColumn { column, .. } => {
                if let Some(enum_type) = new_enum(&column.ty)
                    && !created.contains(&enum_type)
                    && !with_tables.contains(&enum_type)
                {
                    created.push(enum_type.clone());
                    upgrade.push(Op::CreateEnumType { enum_type });
                }
            }
            Op::CreateTable { table, .. } => {
                for column in &table.columns {
                    if let Some(enum_type) = new_enum(&column.ty)
                        && !created.contains(&enum_type)
                        && !with_tables.contains(&enum_type)
                    {
                        with_tables.push(enum_type);
                    }
                }
            }
            _ => {}
        }
        upgrade.push(op);
        upgrade.extend(extra);
    }
    upgrade.extend(checks);
    let mut downgrade: Vec<Op> = upgrade
        .iter()
        .rev()
        // A dropped table takes its column CHECKs with it.
        .filter(|op| {
            !matches!(op, Op::Noted { op, .. }
                if matches!(&**op, Op::CreateCheckConstraint { table, .. } if column_checks.contains(table)))
        })
        .map(Op::inverse)
        .collect();
    // Enum types `create_table` made implicitly: dropped after the tables.
    let mut at = downgrade.len();
    while at > 0 && matches!(downgrade[at - 1], Op::Execute { .. }) {
        at -= 1; // before the schemas are dropped
    }
    for enum_type in with_tables.into_iter().rev() {
        downgrade.insert(at, Op::DropEnumType { enum_type });
    }
    // Unnamed constraints the downgrade drops: PostgreSQL named them.
    for op in &mut downgrade {
        name_dropped_constraint(op, after_db);
    }
    Migration { upgrade, downgrade }
}

fn element_type(ty: &SqlType) -> &SqlType {
    match ty {
        SqlType::Array { element, .. } => element_type(element),
        other => other,
    }
}

/// Gives an unnamed dropped constraint the name PostgreSQL gave it (the
/// database form of the model has it), with a note.
fn name_dropped_constraint(op: &mut Op, after_db: &Schema) {
    let (table, columns, is_fk) = match op {
        Op::DropUniqueConstraint {
            table, constraint, ..
        } if constraint.name.is_none() => (table.clone(), constraint.columns.clone(), false),
        Op::DropForeignKey { table, fk, .. } if fk.name.is_none() => {
            (table.clone(), fk.columns.clone(), true)
        }
        _ => return,
    };
    let Some(stored) = after_db.table(table.schema.as_deref(), &table.name) else {
        return;
    };
    let name = if is_fk {
        stored
            .foreign_keys
            .iter()
            .find(|f| f.columns == columns)
            .and_then(|f| f.name.clone())
    } else {
        stored
            .unique_constraints
            .iter()
            .find(|u| u.columns == columns)
            .and_then(|u| u.name.clone())
    };
    let Some(name) = name else { return };
    let note = match op {
        Op::DropUniqueConstraint {
            constraint,
            convention_name,
            ..
        } => {
            constraint.name = Some(name);
            *convention_name = false;
            NAME_NOTE
        }
        Op::DropForeignKey {
            fk,
            convention_name,
            ..
        } => {
            fk.name = Some(name);
            *convention_name = false;
            NAME_NOTE
        }
        _ => return,
    };
    *op = Op::Noted {
        note,
        op: Box::new(op.clone()),
    };
}

fn is_convention_name(table: &Table, name: Option<&str>) -> bool {
    name.is_some_and(|n| table.convention_names.iter().any(|c| c == n))
}

fn sorted_indexes(table: &Table) -> Vec<&crate::schema::Index> {
    let mut indexes: Vec<_> = table.indexes.iter().collect();
    indexes.sort_by_key(|i| i.name.clone().unwrap_or_default());
    indexes
}

fn compare_table(b: &Table, a: &Table, b_db: &Table, a_db: &Table, ops: &mut Vec<Op>) {
    let table = TableRef::of(a);
    for column in &a.columns {
        if b.column(&column.name).is_none() {
            ops.push(Op::AddColumn {
                table: table.clone(),
                column: Box::new(column.clone()),
                side: Side::Model,
            });
        }
    }
    let auto_column = autoincrement_column(a);
    for column in &a.columns {
        let (Some(existing_db), Some(target_db)) =
            (b_db.column(&column.name), a_db.column(&column.name))
        else {
            continue;
        };
        let alter = alter_column(
            &table,
            existing_db,
            target_db,
            column,
            auto_column.as_deref(),
        );
        if alter.has_changes() {
            ops.push(Op::AlterColumn(Box::new(alter)));
        }
    }
    compare_indexes(b, a, b_db, ops);
    compare_foreign_keys(a, b_db, a_db, ops);
    if b_db.comment != a_db.comment {
        ops.push(match &a.comment {
            Some(comment) => Op::CreateTableComment {
                table: table.clone(),
                comment: comment.clone(),
                existing: b_db.comment.clone(),
            },
            None => Op::DropTableComment {
                table: table.clone(),
                existing: b_db.comment.clone().unwrap_or_default(),
            },
        });
    }
    for column in &b_db.columns {
        if a.column(&column.name).is_none() {
            ops.push(Op::DropColumn {
                table: table.clone(),
                column: Box::new(column.clone()),
                side: Side::Database,
            });
        }
    }
}

/// The `alter_column` that takes `existing_db` (the database's column, in
/// database form) to `model` (`target_db` its database form).
fn alter_column(
    table: &TableRef,
    existing_db: &Column,
    target_db: &Column,
    model: &Column,
    auto_column: Option<&str>,
) -> AlterColumn {
    let existing = Sided {
        column: Box::new(existing_db.clone()),
        side: Side::Database,
    };
    let target = Sided {
        column: Box::new(model.clone()),
        side: Side::Model,
    };
    let changed = |differs: bool| differs.then(|| target.clone());
    AlterColumn {
        table: table.clone(),
        column: existing_db.name.clone(),
        ty: Change {
            existing: existing.clone(),
            target: changed(existing_db.ty != target_db.ty),
        },
        server_default: Change {
            existing,
            target: changed(existing_db.server_default != target_db.server_default),
        },
        nullable: Change {
            existing: existing_db.nullable,
            target: (existing_db.nullable != target_db.nullable).then_some(target_db.nullable),
        },
        comment: Change {
            existing: existing_db.comment.clone(),
            target: (existing_db.comment != target_db.comment).then(|| model.comment.clone()),
        },
        autoincrement: if auto_column == Some(model.name.as_str()) {
            Some(true)
        } else {
            match model.autoincrement {
                Autoincrement::True => Some(true),
                Autoincrement::False => Some(false),
                Autoincrement::Auto => None,
            }
        },
        new_name: (existing_db.name != model.name).then(|| model.name.clone()),
    }
}

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
    for a in &after_db.tables {
        let Some(b) = before_db.table(a.schema.as_deref(), &a.name) else {
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

/// The table renames `before` → `after` may hide: each dropped table paired
/// with the first added table of the same schema whose columns are the same
/// (names, types, nullability, in order).
pub fn table_rename_candidates(before: &Schema, after: &Schema) -> Vec<TableRename> {
    let (before_db, after_db) = (database_form(before), database_form(after));
    let shape = |t: &Table| -> Vec<(String, SqlType, bool)> {
        t.columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone(), c.nullable))
            .collect()
    };
    let mut taken: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    for old in before_db
        .tables
        .iter()
        .filter(|t| after_db.table(t.schema.as_deref(), &t.name).is_none())
    {
        let new = after_db.tables.iter().find(|t| {
            t.schema == old.schema
                && before_db.table(t.schema.as_deref(), &t.name).is_none()
                && !taken.contains(&t.name.as_str())
                && shape(t) == shape(old)
        });
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

/// [`plan`] with tables renamed first: `op.rename_table` opens the first
/// revision (and closes its downgrade), then the change from the renamed
/// tables to `after`.
pub fn plan_with_table_renames(
    before: &Schema,
    after: &Schema,
    options: Options,
    backfill: &[(String, String, String)],
    renames: &[Rename],
    table_renames: &[TableRename],
) -> (Vec<Step>, Vec<Backfill>) {
    if table_renames.is_empty() {
        return plan(before, after, options, backfill, renames);
    }
    let renamed = renamed_tables(before, table_renames);
    let (mut steps, fills) = plan(&renamed, after, options, backfill, renames);
    if let Some(first) = steps.first_mut() {
        let ops: Vec<Op> = table_renames
            .iter()
            .map(|r| Op::Noted {
                note: TABLE_RENAME_NOTE,
                op: Box::new(Op::RenameTable {
                    schema: r.schema.clone(),
                    old: r.old.clone(),
                    new: r.new.clone(),
                }),
            })
            .collect();
        first
            .migration
            .downgrade
            .extend(ops.iter().rev().map(Op::inverse));
        first.migration.upgrade.splice(0..0, ops);
    }
    (steps, fills)
}

/// Replaces an accepted rename's drop + add by `alter_column(...,
/// new_column_name=...)` where the add was.
fn apply_renames(
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

/// Indexes and unique constraints by name, in name order: removed, changed
/// (drop + create), added; then unnamed unique constraints by columns.
fn compare_indexes(b: &Table, a: &Table, b_db: &Table, ops: &mut Vec<Op>) {
    let table = TableRef::of(a);
    let same = |x: &crate::schema::Index, y: &crate::schema::Index| {
        x.unique == y.unique
            && x.expressions == y.expressions
            && x.r#where == y.r#where
            && x.using.as_deref().unwrap_or("btree") == y.using.as_deref().unwrap_or("btree")
    };
    let mut names: Vec<String> = b
        .indexes
        .iter()
        .chain(&a.indexes)
        .filter_map(|i| i.name.clone())
        .collect();
    names.sort();
    names.dedup();
    let index_named = |t: &Table, n: &str| {
        t.indexes
            .iter()
            .find(|i| i.name.as_deref() == Some(n))
            .cloned()
    };
    // Removed first, then changed and added, each in name order.
    for name in &names {
        if let (Some(old), None) = (index_named(b, name), index_named(a, name)) {
            ops.push(Op::DropIndex {
                table: table.clone(),
                index: Box::new(old),
                convention_name: true,
            });
        }
    }
    for name in &names {
        if let (Some(old), Some(new)) = (index_named(b, name), index_named(a, name))
            && !same(&old, &new)
        {
            ops.push(Op::DropIndex {
                table: table.clone(),
                index: Box::new(old),
                convention_name: true,
            });
            ops.push(Op::CreateIndex {
                table: table.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                index: Box::new(new),
            });
        }
    }
    for name in &names {
        if let (None, Some(new)) = (index_named(b, name), index_named(a, name)) {
            ops.push(Op::CreateIndex {
                table: table.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                index: Box::new(new),
            });
        }
    }
    // Unique constraints: named ones by name, unnamed ones by columns.
    for (old, old_db) in b.unique_constraints.iter().zip(&b_db.unique_constraints) {
        let kept = a
            .unique_constraints
            .iter()
            .any(|u| match (&u.name, &old.name) {
                (Some(n), Some(m)) => n == m,
                _ => u.columns == old.columns,
            });
        if !kept {
            ops.push(Op::DropUniqueConstraint {
                table: table.clone(),
                constraint: old_db.clone(),
                convention_name: true,
                side: Side::Database,
            });
        }
    }
    for new in &a.unique_constraints {
        let present = b
            .unique_constraints
            .iter()
            .any(|u| match (&u.name, &new.name) {
                (Some(n), Some(m)) => n == m,
                _ => u.columns == new.columns,
            });
        if !present {
            ops.push(Op::CreateUniqueConstraint {
                table: table.clone(),
                constraint: new.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                side: Side::Model,
            });
        }
    }
}

/// Foreign keys by what they do (columns, target, actions), as Alembic
/// compares them on PostgreSQL: removed ones first, then added ones.
fn compare_foreign_keys(a: &Table, b_db: &Table, a_db: &Table, ops: &mut Vec<Op>) {
    let table = TableRef::of(a);
    let signature = |fk: &crate::schema::ForeignKey| {
        (
            fk.columns.clone(),
            fk.referred_schema.clone(),
            fk.referred_table.clone(),
            fk.referred_columns.clone(),
            fk.ondelete.clone(),
            fk.onupdate.clone(),
            fk.deferrable,
            fk.initially.clone(),
        )
    };
    for old in &b_db.foreign_keys {
        if !a_db
            .foreign_keys
            .iter()
            .any(|f| signature(f) == signature(old))
        {
            ops.push(Op::DropForeignKey {
                table: table.clone(),
                fk: Box::new(old.clone()),
                convention_name: true,
            });
        }
    }
    for (new, new_db) in a.foreign_keys.iter().zip(&a_db.foreign_keys) {
        if !b_db
            .foreign_keys
            .iter()
            .any(|f| signature(f) == signature(new_db))
        {
            ops.push(Op::CreateForeignKey {
                table: table.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                fk: Box::new(new.clone()),
            });
        }
    }
}

/// SQLAlchemy's `Table._autoincrement_column`: the one primary key column
/// marked `autoincrement=True`, or a lone integer primary key column left at
/// `"auto"` that is no foreign key and has no server default.
fn autoincrement_column(table: &Table) -> Option<String> {
    let pk = table.primary_key.as_ref()?;
    let columns: Vec<_> = pk.columns.iter().filter_map(|c| table.column(c)).collect();
    if let Some(explicit) = columns
        .iter()
        .find(|c| c.autoincrement == Autoincrement::True)
    {
        return Some(explicit.name.clone());
    }
    let [only] = columns.as_slice() else {
        return None;
    };
    let integer = matches!(
        only.ty,
        crate::schema::SqlType::Integer
            | crate::schema::SqlType::BigInt
            | crate::schema::SqlType::SmallInt
    );
    let in_fk = table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.contains(&only.name));
    (only.autoincrement == Autoincrement::Auto
        && integer
        && !in_fk
        && only.server_default.is_none())
    .then(|| only.name.clone())
}

/// The new tables (in `after`, not in `before`) whose foreign keys form a
/// cycle: no `create_table` order satisfies them, and the revision fails
/// unless one key is created after the tables. An error at the first such
/// table's declaration, or `None`.
pub fn foreign_key_cycle(before: &Schema, after: &Schema) -> Option<Diagnostic> {
    let new: Vec<&Table> = after
        .tables
        .iter()
        .filter(|t| before.table(t.schema.as_deref(), &t.name).is_none())
        .collect();
    // deps[i]: the new tables table i's foreign keys point at (itself aside:
    // a self-reference is created with its table).
    let deps: Vec<Vec<usize>> = new
        .iter()
        .enumerate()
        .map(|(i, t)| {
            new.iter()
                .enumerate()
                .filter(|&(j, other)| {
                    i != j
                        && t.foreign_keys.iter().any(|fk| {
                            fk.referred_table == other.name && fk.referred_schema == other.schema
                        })
                })
                .map(|(j, _)| j)
                .collect()
        })
        .collect();
    // A table is on a cycle when following foreign keys leads back to it.
    let on_cycle = |start: usize| {
        let mut seen = vec![false; new.len()];
        let mut stack = deps[start].clone();
        while let Some(i) = stack.pop() {
            if i == start {
                return true;
            }
            if !std::mem::replace(&mut seen[i], true) {
                stack.extend(&deps[i]);
            }
        }
        false
    };
    let pending: Vec<&Table> = (0..new.len())
        .filter(|&i| on_cycle(i))
        .map(|i| new[i])
        .collect();
    let first = pending.first()?;
    let names: Vec<String> = pending.iter().map(|t| t.qualified_name()).collect();
    Some(
        Diagnostic::error(
            first.span,
            format!(
                "the new tables {} reference each other: no create_table order satisfies their foreign keys",
                names.join(", ")
            ),
        )
        .with_help("create one of the foreign keys after the tables: ForeignKey(..., use_alter=True), or a later op.create_foreign_key"),
    )
}

/// SQLAlchemy's `MetaData.sorted_tables`: tables by key (`schema.name`),
/// then in dependency order — a table after the tables its foreign keys
/// point at — taking each round's ready tables in key order.
pub fn sorted_tables(schema: &Schema) -> Vec<&Table> {
    let key = |t: &Table| match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    };
    let mut pending: Vec<&Table> = schema.tables.iter().collect();
    pending.sort_by_key(|t| key(t));
    let depends_on = |t: &Table, other: &Table| {
        !std::ptr::eq(t, other)
            && t.foreign_keys
                .iter()
                .any(|fk| fk.referred_table == other.name && fk.referred_schema == other.schema)
    };
    let mut sorted: Vec<&Table> = Vec::new();
    while !pending.is_empty() {
        let ready: Vec<&Table> = pending
            .iter()
            .filter(|t| !pending.iter().any(|o| depends_on(t, o)))
            .copied()
            .collect();
        // A cycle: take the rest in key order (SQLAlchemy warns, Alembic
        // renders the foreign keys inline all the same).
        let ready = if ready.is_empty() {
            pending.clone()
        } else {
            ready
        };
        pending.retain(|t| !ready.iter().any(|r| std::ptr::eq(*r, *t)));
        sorted.extend(ready);
    }
    sorted
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::python::read_schema;

    const HEAD: &str = "import enum\nimport sqlalchemy as sa\nfrom sqlalchemy import ForeignKey, String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Mood(enum.Enum):\n    sad = 'sad'\n    glad = 'glad'\n";

    fn schema(body: &str) -> Schema {
        let (schema, diagnostics) = read_schema(&format!("{HEAD}{body}"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        schema
    }

    const USERS: &str = "\n\nclass User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    email: Mapped[str] = mapped_column(String(255))\n";

    #[test]
    fn new_tables_come_after_the_tables_they_reference() {
        let after = schema(&format!(
            "{USERS}\n\nclass Post(Base):\n    __tablename__ = 'a_posts'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    user_id: Mapped[int] = mapped_column(ForeignKey('users.id'))\n"
        ));
        let names: Vec<&str> = sorted_tables(&after)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["users", "a_posts"]);
    }

    #[test]
    fn the_downgrade_undoes_the_upgrade_in_reverse() {
        let before = schema(USERS);
        let after = schema(&format!(
            "{USERS}    bio: Mapped[str | None]\n    mood: Mapped[Mood] = mapped_column(sa.Enum(Mood, name='mood'))\n"
        ));
        let plain = diff(&before, &after);
        assert_eq!(plain.upgrade.len(), 2);
        assert!(
            matches!(&plain.downgrade[0], Op::DropColumn { column, .. } if column.name == "mood")
        );
        // Inverting twice gives the upgrade back.
        let again: Vec<Op> = plain.downgrade.iter().rev().map(Op::inverse).collect();
        assert_eq!(again, plain.upgrade);

        // Safe mode creates the enum type add_column needs, and drops it.
        let safe = diff_with(&before, &after, Options { safe: true });
        assert!(
            matches!(&safe.upgrade[1], Op::CreateEnumType { enum_type } if enum_type.name == "mood")
        );
        assert!(matches!(&safe.downgrade[1], Op::DropEnumType { .. }));
    }

    #[test]
    fn foreign_key_cycles_among_new_tables_are_found() {
        let before = schema("");
        let after_body = "\n\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    b_id: Mapped[int] = mapped_column(ForeignKey('b.id'))\n\n\nclass B(Base):\n    __tablename__ = 'b'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    a_id: Mapped[int] = mapped_column(ForeignKey('a.id'))\n\n\nclass C(Base):\n    __tablename__ = 'c'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    a_id: Mapped[int] = mapped_column(ForeignKey('a.id'))\n";
        let after = schema(after_body);
        let after_text = format!("{HEAD}{after_body}");
        let warning = foreign_key_cycle(&before, &after).expect("a cycle");
        assert!(
            warning.message.contains("the new tables a, b reference"),
            "{}",
            warning.message
        );
        assert!(after_text[warning.span.start..].starts_with("A(Base)"));
        assert!(foreign_key_cycle(&after, &after).is_none());
    }

    #[test]
    fn a_table_renamed_alike_is_offered_and_applied_only_when_accepted() {
        let before = schema(USERS);
        let after = schema(
            &USERS
                .replace("'users'", "'accounts'")
                .replace("class User", "class Account"),
        );
        let candidates = table_rename_candidates(&before, &after);
        assert_eq!(
            candidates,
            [TableRename {
                schema: None,
                old: "users".into(),
                new: "accounts".into()
            }]
        );
        let (plain, _) =
            plan_with_table_renames(&before, &after, Options { safe: true }, &[], &[], &[]);
        assert!(
            plain[0]
                .migration
                .upgrade
                .iter()
                .any(|op| matches!(op, Op::DropTable { .. }))
        );
        let (renamed, _) = plan_with_table_renames(
            &before,
            &after,
            Options { safe: true },
            &[],
            &[],
            &candidates,
        );
        let migration = &renamed[0].migration;
        assert!(
            matches!(&migration.upgrade[..], [Op::Noted { op, .. }] if matches!(&**op, Op::RenameTable { old, new, .. } if old == "users" && new == "accounts")),
            "{:?}",
            migration.upgrade
        );
        assert!(
            matches!(&migration.downgrade[..], [Op::RenameTable { old, new, .. }] if old == "accounts" && new == "users")
        );
        // A different column set is no rename.
        let other = schema(&format!(
            "{}    extra: Mapped[int]\n",
            USERS.replace("'users'", "'accounts'")
        ));
        assert!(table_rename_candidates(&before, &other).is_empty());
    }

    #[test]
    fn no_change_is_no_op() {
        let before = schema(USERS);
        assert_eq!(diff(&before, &before).upgrade, vec![]);
    }
}
