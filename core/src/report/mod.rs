//! What the safety review of a revision says, as data: the findings with
//! their explanation and fix, the lock table, the reader's problems and the
//! offline SQL. [`review`] (feature `sql`) makes it; the playground's
//! page, built without the linter, reads it from the analysis worker's
//! reply. Spans are byte offsets into the reviewed text.

pub mod checklist;
#[cfg(feature = "sql")]
pub mod review;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::text::Span;

/// A rule's explanation, as the pane prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explained {
    pub summary: String,
    pub what: String,
    pub why: String,
    pub example: String,
    pub instead: String,
    pub fix_safety: String,
}

/// A finding's fix: what it does, and the lines it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixView {
    pub title: String,
    pub applicability: Applicability,
    /// The lines the fix touches, before and after it.
    pub before: String,
    pub after: String,
}

/// One finding, located in the whole text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFinding {
    pub rule: String,
    pub severity: Severity,
    pub span: Span,
    /// 1-based line and column of `span.start`.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub explanation: Option<Explained>,
    pub fix: Option<FixView>,
}

/// One row of the lock table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRow {
    pub span: Span,
    pub line: usize,
    /// The statement's first line, as written.
    pub statement: String,
    pub mode: String,
    pub table: String,
    pub blocks: String,
    pub work: String,
    /// Reads or writes wait while it is held.
    pub blocks_traffic: bool,
    /// The time it is held grows with the table.
    pub slow: bool,
    pub rewrite: bool,
    /// The table was created earlier in the same revision: nobody else can
    /// see it yet, so the lock blocks nobody.
    pub unseen: bool,
}

/// The review of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// How many revisions the text holds (0 for a SQL script).
    pub revisions: usize,
    /// The text is a SQL script (its findings come from the SQL reader; it
    /// runs as written and has no downgrade).
    pub sql: bool,
    pub findings: Vec<ReviewFinding>,
    pub locks: Vec<LockRow>,
    pub diagnostics: Vec<Diagnostic>,
    pub upgrade_sql: String,
    pub downgrade_sql: String,
    /// What could not be written as SQL, by revision.
    pub sql_errors: Vec<String>,
    /// The revisions' parts of the production checklist, in the order
    /// they run (none for a SQL script).
    pub checks: Vec<checklist::RevisionChecks>,
}
