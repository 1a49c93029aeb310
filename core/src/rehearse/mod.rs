//! The rehearsal's plan: an Alembic command (`upgrade +1`, `downgrade
//! base`, `current`…) against a database at some revisions, turned into
//! what the page runs on PGlite and what Alembic prints while it runs.
//!
//! Core plans, the page executes. [`plan`] walks the revision graph as
//! Alembic's `RevisionMap` does (the same [`crate::graph`] that orders
//! `alembic upgrade --sql`), and lays out the [`Action`]s of an online
//! run: one transaction for the whole command (or one per revision with
//! `transaction_per_migration`), `COMMIT` … `BEGIN` around an
//! `autocommit_block`, each op's statements as [`crate::render::sql`]
//! writes them, and the `alembic_version` rows moved as Alembic's
//! `HeadMaintainer` moves them. The offline script and the online run are
//! the same walk, so they cannot disagree. [`seed`] plans the rows a
//! rehearsal starts with.

//!
//! The types here are the protocol's too, so the page (built without the
//! SQL reader) has them; the planning itself is in `plan.rs`.

mod command;
#[cfg(feature = "sql")]
mod plan;
pub mod seed;

use serde::{Deserialize, Serialize};

pub use command::AlembicCommand;
#[cfg(feature = "sql")]
pub use plan::{Chain, create_sql, plan, timeline};

use crate::pg_lock::LockMode;
use crate::text::Span;

/// How a run is cut into transactions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOptions {
    /// `context.configure(transaction_per_migration=True)`: each revision
    /// commits on its own, so an error keeps the revisions before it.
    pub transaction_per_migration: bool,
}

/// Alembic's logger, as its `alembic.ini` formats it.
pub const LOG: &str = "INFO  [alembic.runtime.migration]";

/// The `CREATE TABLE` of Alembic's version table (what it runs when the
/// table is missing).
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)";

/// One revision run by a command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub revision: String,
    pub upgrade: bool,
    /// `Running upgrade a -> b, message`, as Alembic logs it.
    pub log: String,
    /// The text the revision came from (0 for the Revision pane; the
    /// file's index in a folder).
    pub file: usize,
    pub ops: Vec<PlannedOp>,
}

/// One op of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedOp {
    /// Its first line as written (`op.add_column('users', …)`).
    pub label: String,
    /// Where it is written, in the text it came from.
    pub span: Option<Span>,
    pub statements: Vec<String>,
    /// It runs in an `autocommit_block`, outside any transaction.
    pub autocommit: bool,
    /// The locks retort's review lists for it (upgrades only): what the
    /// page compares with those it sees in `pg_locks`, and what it shows
    /// for a statement outside a transaction, where it sees none.
    pub expected: Vec<ExpectedLock>,
}

/// A lock the review expects an op to take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedLock {
    pub table: String,
    pub mode: LockMode,
    /// What it does while holding it (`rewrites the table and its
    /// indexes`).
    pub work: String,
    pub rewrite: bool,
}

/// What the page does, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Begin,
    Commit,
    /// Run `run` starts: print its log line.
    Start {
        run: usize,
    },
    /// A statement of op `op` of run `run`.
    Exec {
        run: usize,
        op: usize,
        sql: String,
    },
    /// A statement that keeps `alembic_version` (of run `run`, or of a
    /// stamp).
    Version {
        run: Option<usize>,
        sql: String,
    },
    /// Alembic raises here (an op it cannot write): the transaction is
    /// rolled back.
    Fail {
        run: usize,
        op: usize,
        message: String,
    },
}

/// A command, planned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// What Alembic prints before it runs anything (its `Context impl`
    /// lines, and all that `current`, `heads` and `history` print).
    pub output: Vec<String>,
    pub runs: Vec<Run>,
    pub actions: Vec<Action>,
    /// Alembic's `FAILED: …` (nothing runs).
    pub error: Option<String>,
}

/// One revision of the timeline: the line `alembic history
/// --indicate-current` prints for it, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineRow {
    pub revision: String,
    pub line: String,
    pub current: bool,
    pub head: bool,
}

#[cfg(all(test, feature = "sql"))]
mod tests;
