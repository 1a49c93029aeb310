//! Which lock each step takes, on which tables, what that lock blocks, and
//! whether the step rewrites or scans the table while holding it — from
//! PostgreSQL's documentation of each command ("Explicit Locking", the
//! `ALTER TABLE` notes).

use serde::Serialize;

pub use crate::pg_lock::LockMode;

use super::{Settings, Step, display, table_of};
use crate::op::{Command, Op};
use crate::schema::{Column, SqlType};

/// How long the step holds its lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Work {
    /// A catalog change: milliseconds, once the lock is granted.
    Instant,
    /// Reads every row (a NOT NULL or constraint check).
    Scan,
    /// Builds an index over every row.
    IndexBuild,
    /// Writes the whole table anew (and its indexes).
    Rewrite,
    /// Changes rows (a backfill): as long as the rows take.
    Rows,
}

impl Work {
    pub fn describe(self) -> &'static str {
        match self {
            Work::Instant => "catalog only",
            Work::Scan => "scans every row",
            Work::IndexBuild => "builds an index over every row",
            Work::Rewrite => "rewrites the table and its indexes",
            Work::Rows => "changes rows",
        }
    }

    /// Whether the time it takes grows with the table.
    pub fn slow(self) -> bool {
        self != Work::Instant
    }
}

/// One lock a step takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lock {
    pub table: String,
    pub mode: LockMode,
    pub work: Work,
}

/// Functions PostgreSQL marks VOLATILE that appear in column defaults: a
/// default calling one is evaluated per row, so adding the column rewrites
/// the table.
const VOLATILE: &[&str] = &[
    "random(",
    "gen_random_uuid(",
    "uuid_generate_v1(",
    "uuid_generate_v1mc(",
    "uuid_generate_v4(",
    "uuidv4(",
    "uuidv7(",
    "clock_timestamp(",
    "timeofday(",
    "nextval(",
    "txid_current(",
    "setseed(",
];

/// Whether a server default is evaluated per row.
pub fn volatile_default(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase().replace(' ', "");
    VOLATILE.iter().any(|f| lower.contains(f))
}

/// Whether adding `column` to a table with rows rewrites it.
pub fn add_column_rewrites(column: &Column, settings: &Settings) -> bool {
    column.computed.is_some()
        || column
            .server_default
            .as_deref()
            .is_some_and(|d| volatile_default(d) || settings.postgres < 11)
        || column.identity.is_some()
        || matches!(column.autoincrement, crate::schema::Autoincrement::True)
}

/// Whether changing a column's type from `from` to `to` rewrites the table
/// (`None`: the old type is not known, so it may). `utc`: the session's
/// time zone is UTC, which makes timestamp ↔ timestamptz a relabelling
/// (PostgreSQL 12 and later).
pub fn type_change_rewrites(
    from: &SqlType,
    to: &SqlType,
    utc: bool,
    postgres: u32,
) -> Option<bool> {
    use SqlType::*;
    // No `existing_type` in the revision: SQLAlchemy's NullType.
    if matches!(from, Named(name) if name.is_empty() || name == "NullType") {
        return None;
    }
    let at_least = |old: Option<u32>, new: Option<u32>, unlimited: u32| {
        new.unwrap_or(unlimited) >= old.unwrap_or(unlimited)
    };
    let safe = from == to
        || match (from, to) {
            (Varchar { length: a }, Varchar { length: b }) => {
                b.is_none() || (a.is_some() && at_least(*a, *b, u32::MAX))
            }
            (Varchar { .. }, Text) | (Text, Varchar { length: None }) => true,
            (Char { .. }, Text) | (Char { .. }, Varchar { length: None }) => false,
            (
                Numeric {
                    precision: p1,
                    scale: s1,
                },
                Numeric {
                    precision: p2,
                    scale: s2,
                },
            ) => p2.is_none() || (p1.is_some() && s1 == s2 && at_least(*p1, *p2, u32::MAX)),
            (
                Timestamp {
                    timezone: z1,
                    precision: p1,
                },
                Timestamp {
                    timezone: z2,
                    precision: p2,
                },
            ) => (z1 == z2 || (utc && postgres >= 12)) && at_least(*p1, *p2, 6),
            (
                Time {
                    timezone: z1,
                    precision: p1,
                },
                Time {
                    timezone: z2,
                    precision: p2,
                },
            ) => z1 == z2 && at_least(*p1, *p2, 6),
            (Interval { precision: p1, .. }, Interval { precision: p2, .. }) => {
                at_least(*p1, *p2, 6)
            }
            (Cidr, Inet) => true,
            (Bit { .. }, _) => false,
            _ => false,
        };
    Some(!safe)
}

/// The locks `step` takes, strongest first. A table created earlier in the
/// same migration is still locked, but nobody else can see it yet: the
/// rules skip such steps.
pub fn locks(step: &Step<'_>, settings: &Settings) -> Vec<Lock> {
    use LockMode::*;
    let table = table_of(step.op).map(|t| display(&t));
    let on = |mode: LockMode, work: Work| match &table {
        Some(t) => vec![Lock {
            table: t.clone(),
            mode,
            work,
        }],
        None => Vec::new(),
    };
    match step.op {
        Op::CreateTable { table, .. } => table
            .foreign_keys
            .iter()
            .map(|fk| Lock {
                table: match &fk.referred_schema {
                    Some(s) => format!("{s}.{}", fk.referred_table),
                    None => fk.referred_table.clone(),
                },
                mode: ShareRowExclusive,
                work: Work::Instant,
            })
            .collect(),
        Op::DropTable { .. } | Op::DropColumn { .. } | Op::RenameTable { .. } => {
            on(AccessExclusive, Work::Instant)
        }
        Op::AddColumn { column, .. } => on(
            AccessExclusive,
            if add_column_rewrites(column, settings) {
                Work::Rewrite
            } else {
                Work::Instant
            },
        ),
        Op::AlterColumn(alter) => {
            let work = match &alter.ty.target {
                Some(target) => match type_change_rewrites(
                    &alter.ty.existing.column.ty,
                    &target.column.ty,
                    step.utc,
                    settings.postgres,
                ) {
                    Some(false) => Work::Instant,
                    _ => Work::Rewrite,
                },
                None if alter.nullable.target == Some(false)
                    && !(step.proven_not_null && settings.postgres >= 12) =>
                {
                    Work::Scan
                }
                None => Work::Instant,
            };
            let only_comment = alter.comment.target.is_some()
                && alter.ty.target.is_none()
                && alter.nullable.target.is_none()
                && alter.server_default.target.is_none()
                && alter.new_name.is_none();
            on(
                if only_comment {
                    ShareUpdateExclusive
                } else {
                    AccessExclusive
                },
                work,
            )
        }
        Op::CreateIndex { .. } if step.concurrently => on(ShareUpdateExclusive, Work::IndexBuild),
        Op::CreateIndex { .. } => on(Share, Work::IndexBuild),
        Op::DropIndex { .. } if step.concurrently => on(ShareUpdateExclusive, Work::Instant),
        Op::DropIndex { .. } => on(AccessExclusive, Work::Instant),
        Op::CreateUniqueConstraint { .. }
        | Op::CreatePrimaryKey { .. }
        | Op::CreateExcludeConstraint { .. } => on(AccessExclusive, Work::IndexBuild),
        Op::CreateForeignKey { fk, .. } => {
            let work = if step.not_valid {
                Work::Instant
            } else {
                Work::Scan
            };
            let mut out = on(ShareRowExclusive, work);
            out.push(Lock {
                table: match &fk.referred_schema {
                    Some(s) => format!("{s}.{}", fk.referred_table),
                    None => fk.referred_table.clone(),
                },
                mode: ShareRowExclusive,
                work,
            });
            out
        }
        Op::CreateCheckConstraint { .. } => on(
            AccessExclusive,
            if step.not_valid {
                Work::Instant
            } else {
                Work::Scan
            },
        ),
        Op::DropUniqueConstraint { .. } | Op::DropForeignKey { .. } | Op::DropConstraint { .. } => {
            on(AccessExclusive, Work::Instant)
        }
        Op::CreateTableComment { .. } | Op::DropTableComment { .. } => {
            on(ShareUpdateExclusive, Work::Instant)
        }
        Op::Command(command) => match command {
            Command::Truncate { tables } | Command::Lock { tables, .. } => {
                let mode = match command {
                    Command::Lock { mode, .. } => LockMode::from_sql(mode),
                    _ => AccessExclusive,
                };
                tables
                    .iter()
                    .map(|t| Lock {
                        table: display(t),
                        mode,
                        work: Work::Instant,
                    })
                    .collect()
            }
            Command::Vacuum { full, tables } => tables
                .iter()
                .map(|t| Lock {
                    table: t.clone(),
                    mode: if *full {
                        AccessExclusive
                    } else {
                        ShareUpdateExclusive
                    },
                    work: if *full { Work::Rewrite } else { Work::Scan },
                })
                .collect(),
            Command::Reindex {
                concurrently,
                target,
            } => vec![Lock {
                table: target.clone(),
                mode: if *concurrently {
                    ShareUpdateExclusive
                } else {
                    Share
                },
                work: Work::IndexBuild,
            }],
            Command::SetLogged { .. } => on(AccessExclusive, Work::Rewrite),
            Command::ValidateConstraint { .. } => on(ShareUpdateExclusive, Work::Scan),
            Command::ConstraintUsingIndex { .. } => on(AccessExclusive, Work::Instant),
            Command::Dml { .. } => on(RowExclusive, Work::Rows),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Whether `lock` (one of [`locks`] of `step`) is on a table nobody else
/// can see yet: one created earlier in the same migration, or by the step
/// itself (a foreign key of a new table that refers to that table).
pub fn unseen(step: &Step<'_>, lock: &Lock) -> bool {
    step.new_table
        || matches!(step.op, Op::CreateTable { .. })
            && table_of(step.op).is_some_and(|t| display(&t) == lock.table)
}
