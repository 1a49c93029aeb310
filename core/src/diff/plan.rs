//! Plans: a migration cut into the revisions it should be, the SOP's three
//! steps for a `NOT NULL` column added to a table with rows (add nullable,
//! backfill, set `NOT NULL`).

use super::compare::compare;
use super::renames::{TABLE_RENAME_NOTE, apply_renames};
use super::safe::safe;
use super::*;
use crate::op::Command;

/// One revision of a plan: a suffix for its message, and its ops.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
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
) -> (Vec<PlanStep>, Vec<Backfill>) {
    let (ops, after_db) = compare(before, after);
    let ops = apply_renames(ops, renames, &database_form(before), after, &after_db);
    if !options.safe {
        let downgrade = ops.iter().rev().map(Op::inverse).collect();
        return (
            vec![PlanStep {
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
            vec![PlanStep {
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
    let (set_not_null, unset) = set_not_null(&fills, &after_db);
    (
        vec![
            PlanStep {
                message: "1/3: new NOT NULL columns added as nullable".into(),
                migration: first,
            },
            PlanStep {
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
            PlanStep {
                message: "3/3: set NOT NULL".into(),
                migration: Migration {
                    upgrade: set_not_null,
                    downgrade: unset,
                },
            },
        ],
        fills,
    )
}

/// Revision 3/3: each column `SET NOT NULL` without the scan under
/// ACCESS EXCLUSIVE (PostgreSQL 12 and later): a `CHECK (col IS NOT
/// NULL)` added `NOT VALID` (a catalog change), validated in an
/// autocommit block (SHARE UPDATE EXCLUSIVE: traffic flows), which lets
/// `SET NOT NULL` skip its scan, then dropped. And the downgrade, which
/// makes the columns nullable again.
fn set_not_null(fills: &[Backfill], after_db: &Schema) -> (Vec<Op>, Vec<Op>) {
    let mut checks = Vec::new();
    let mut validates = Vec::new();
    let mut alters = Vec::new();
    let mut drops = Vec::new();
    for f in fills {
        let Some(column) = after_db
            .table(f.table.schema.as_deref(), &f.table.name)
            .and_then(|t| t.column(&f.column))
        else {
            continue;
        };
        let stored = SidedColumn {
            column: Box::new(column.clone()),
            side: Side::Database,
        };
        alters.push(Op::Noted {
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
                using: None,
            }))),
        });
        let Some(name) = crate::naming::not_null_check_name(&f.table.name, &f.column) else {
            continue;
        };
        let sqltext = format!("{} IS NOT NULL", crate::quote::ident(&f.column));
        checks.push(Op::NotValid(Box::new(Op::CreateCheckConstraint {
            table: f.table.clone(),
            name: Some(name.clone()),
            sqltext: sqltext.clone(),
        })));
        validates.push(Op::Command(Command::ValidateConstraint {
            table: f.table.clone(),
            name: name.clone(),
        }));
        drops.push(Op::DropConstraint {
            table: f.table.clone(),
            name: Some(name),
            kind: Some("check".into()),
            check: Some(sqltext),
        });
    }
    let unset = alters.iter().rev().map(Op::inverse).collect();
    let mut upgrade = Vec::new();
    if let Some(first) = checks.first_mut() {
        *first = Op::Noted {
            note: NOT_NULL_CHECK_NOTE,
            op: Box::new(first.clone()),
        };
        upgrade.extend(checks);
        upgrade.push(Op::AutocommitBlock(validates));
    }
    upgrade.extend(alters);
    upgrade.extend(drops);
    (upgrade, unset)
}

pub(super) const NOT_NULL_CHECK_NOTE: &str = "prove NOT NULL with a CHECK first (added NOT VALID, validated while traffic flows): SET NOT NULL then skips its scan under ACCESS EXCLUSIVE (PostgreSQL 12+)";

pub(super) const NULLABLE_NOTE: &str = "added nullable: NOT NULL without a default fails on a table with rows; revision 3/3 sets NOT NULL after the backfill";

pub(super) const NOT_NULL_NOTE: &str = "every row has a value now (revision 2/3)";

pub(super) const BACKFILL_NOTE: &str = "fill the rows that exist, as given";

pub(super) const BACKFILL_EMPTY_NOTE: &str = "fill the rows that exist with the type's empty value (give your own: --backfill TABLE.COLUMN=EXPR)";

pub(super) const BACKFILL_UNDO_NOTE: &str =
    "the filled values stay: revision 1/3's downgrade drops the column";

pub(super) fn needs_backfill(column: &crate::schema::Column) -> bool {
    !column.nullable
        && column.server_default.is_none()
        && column.identity.is_none()
        && column.computed.is_none()
}

pub(super) fn qualified(table: &TableRef) -> String {
    match &table.schema {
        Some(schema) => format!("{schema}.{}", table.name),
        None => table.name.clone(),
    }
}

/// A value every type has, for rows that existed before the column.
pub(super) fn empty_value(ty: &SqlType, schema: &Schema) -> String {
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
) -> (Vec<PlanStep>, Vec<Backfill>) {
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
