//! Plans: a migration cut into the revisions it should be, the SOP's three
//! steps for a `NOT NULL` column added to a table with rows (add nullable,
//! backfill, set `NOT NULL`).

use super::compare::compare;
use super::not_null::{empty_value, needs_backfill, qualified, set_not_null};
use super::renames::{TABLE_RENAME_NOTE, apply_renames};
use super::safe::safe;
use super::*;

/// One revision of a plan: a suffix for its message, and its ops.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanStep {
    pub message: String,
    pub migration: Migration,
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
    let (set_not_null, unset) = set_not_null(&fills, &after_db, NOT_NULL_NOTE);
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

pub(super) const NULLABLE_NOTE: &str = "added nullable: NOT NULL without a default fails on a table with rows; revision 3/3 sets NOT NULL after the backfill";

pub(super) const NOT_NULL_NOTE: &str = "every row has a value now (revision 2/3)";

pub(super) const BACKFILL_NOTE: &str = "fill the rows that exist, as given";

pub(super) const BACKFILL_EMPTY_NOTE: &str = "fill the rows that exist with the type's empty value (give your own: --backfill TABLE.COLUMN=EXPR)";

pub(super) const BACKFILL_UNDO_NOTE: &str =
    "the filled values stay: revision 1/3's downgrade drops the column";

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
