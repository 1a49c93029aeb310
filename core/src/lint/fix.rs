//! Fixes: for a finding, the edits to the migration's text that do the same
//! change without the danger, and how far they can be trusted.
//!
//! A fix is data — byte-range edits on the file the finding is in — so the
//! CLI (`--fix`), the JSON output and the app's review pane all apply the
//! same thing. Fixes edit the text, not a re-rendered revision: the rest of
//! the file (comments, formatting, helper code) stays as the author wrote it.
//!
//! Applicability, as ruff has it:
//! - **safe**: the migration ends in the same schema with the same data; it
//!   only takes its locks differently (`CONCURRENTLY`, `NOT VALID` then
//!   `VALIDATE`, an index before a constraint, a `lock_timeout`);
//! - **unsafe**: it changes what the migration does in a way someone should
//!   read first;
//! - **display-only**: a pattern to follow, with a placeholder a person must
//!   fill (a backfill value); never applied.
//!
//! Why `VALIDATE` goes in an `autocommit_block()` and not in a revision of
//! its own: Alembic runs every pending revision of one `upgrade` in a single
//! transaction on PostgreSQL unless `transaction_per_migration` is set, so a
//! separate revision is not a separate transaction. The block commits the
//! `ADD … NOT VALID` (and its short lock) first, whatever the configuration.

use serde::Serialize;

use super::{Finding, MigrationKind, Step, Subject};
use crate::hash::FastMap;
use crate::op::TableRef;
use crate::quote::ident;
use crate::quote::py_repr;
use crate::render::sql::table_name;
use crate::text::Span;

use crate::diagnostic::Applicability;

/// Replace the bytes of `span` with `text` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    #[serde(skip)]
    pub span: Span,
    pub text: String,
}

/// A finding's fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What it does, in a few words ("build the index CONCURRENTLY").
    pub title: String,
    pub applicability: Applicability,
    /// Sorted, not overlapping.
    pub edits: Vec<Edit>,
}

/// The placeholder a display-only fix leaves for a person to fill.
pub const PLACEHOLDER: &str = "<value>";

/// A lock_timeout the fix sets: long enough for a brief lock to be granted
/// on a quiet table, short enough that waiting traffic does not pile up.
pub const LOCK_TIMEOUT: &str = "5s";

/// How a rule fixes what it found at a [`Site`], where it can.
pub type FixFn = fn(&Site<'_>) -> Option<Fix>;

/// Gives each finding its fix, where its rule has one (in `fixes`, by rule
/// id) for the place.
pub fn attach(
    source: &str,
    kind: MigrationKind,
    cx: &Subject<'_>,
    fixes: &FastMap<&str, FixFn>,
    findings: &mut [Finding],
) {
    // Each span's step, and how many steps share it.
    let mut by_span: FastMap<Span, (usize, usize)> =
        FastMap::with_capacity_and_hasher(cx.steps.len(), Default::default());
    for (i, step) in cx.steps.iter().enumerate() {
        by_span.entry(step.span).or_insert((i, 0)).1 += 1;
    }
    super::on_cores(findings, |finding| {
        let Some(fix) = fixes.get(finding.rule) else {
            return;
        };
        let Some(&(i, count)) = by_span.get(&finding.span) else {
            return;
        };
        // One statement that holds several ops (an op.execute with two
        // statements): a fix for one would be wrong for the others.
        if count > 1 {
            return;
        }
        let step = &cx.steps[i];
        let site = Site {
            source,
            span: step.span,
            step,
            kind,
            cx,
        };
        // In a revision, only module-level `op.` calls on a line of their
        // own: a `batch_op.` call lives inside its batch block, where an
        // autocommit block cannot go.
        if kind == MigrationKind::Revision
            && (site.indent().is_none() || !site.statement().starts_with("op."))
        {
            return;
        }
        finding.fix = fix(&site);
    });
}

/// Where a finding is, as its rule's fix sees it: the statement (in its
/// file), its step, what kind of migration the file is, and the rest of
/// the migration.
pub struct Site<'s> {
    source: &'s str,
    span: Span,
    pub step: &'s Step<'s>,
    pub kind: MigrationKind,
    pub cx: &'s Subject<'s>,
}

impl<'s> Site<'s> {
    pub fn statement(&self) -> &'s str {
        self.source
            .get(self.span.start..self.span.end)
            .unwrap_or("")
    }

    /// The whitespace before the statement on its line; `None` when code
    /// precedes it there (`if x: op.…`), where a block cannot be opened.
    pub fn indent(&self) -> Option<&'s str> {
        indent_at(self.source, self.span.start)
    }

    /// The statement replaced by `text`.
    pub fn replace(&self, text: String) -> Edit {
        Edit {
            span: self.span,
            text,
        }
    }

    /// `text` right after the statement.
    pub fn insert_after(&self, text: String) -> Edit {
        Edit {
            span: Span::new(self.span.end, self.span.end),
            text,
        }
    }

    /// `text` `at` bytes into the statement.
    pub fn insert_at(&self, at: usize, text: &str) -> Edit {
        let at = self.span.start + at;
        Edit {
            span: Span::new(at, at),
            text: text.to_string(),
        }
    }

    /// At the end of the statement's last line, after a trailing comment
    /// (which stays with the statement it was written for).
    pub fn insert_after_line(&self, text: String) -> Edit {
        let end = self.source[self.span.end..]
            .find('\n')
            .map_or(self.source.len(), |p| self.span.end + p);
        let end = if self.source[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Edit {
            span: Span::new(end, end),
            text,
        }
    }

    /// Another statement of the file (at `span`) replaced by `text`.
    pub fn replace_other(&self, span: Span, text: String) -> Edit {
        Edit { span, text }
    }

    /// Another statement of the file removed with its line, when it is
    /// alone on its lines but for a comment after it, which goes with it
    /// (`None` otherwise).
    pub fn remove_other(&self, span: Span) -> Option<Edit> {
        let start = self.source[..span.start].rfind('\n').map_or(0, |p| p + 1);
        let rest = &self.source[span.end..];
        let nothing_else = |tail: &str| {
            let tail = tail.trim();
            tail.is_empty() || tail.starts_with('#') || tail.starts_with("--")
        };
        let end = match rest.find('\n') {
            Some(p) if nothing_else(&rest[..p]) => span.end + p + 1,
            None if nothing_else(rest) => self.source.len(),
            _ => return None,
        };
        indent_at(self.source, span.start)?;
        Some(Edit {
            span: Span::new(start, end),
            text: String::new(),
        })
    }

    /// The text of another statement of the file.
    pub fn text_at(&self, span: Span) -> &'s str {
        self.source.get(span.start..span.end).unwrap_or("")
    }

    /// The PostgreSQL version the migration runs on.
    pub fn postgres(&self) -> u32 {
        self.cx.settings.postgres
    }

    /// `SET lock_timeout` inserted before the migration's first statement.
    pub fn lock_timeout_first(&self) -> Option<Fix> {
        let first = self.cx.first?;
        let text = match self.kind {
            MigrationKind::Sql => format!("SET lock_timeout = '{LOCK_TIMEOUT}';\n"),
            MigrationKind::Revision => format!(
                "op.execute({})\n{}",
                py_repr(&format!("SET lock_timeout = '{LOCK_TIMEOUT}'")),
                indent_at(self.source, first.start)?
            ),
        };
        let title = match self.kind {
            MigrationKind::Sql => "before the first statement",
            MigrationKind::Revision => "before the first op",
        };
        fix(
            format!("SET lock_timeout = '{LOCK_TIMEOUT}' {title}"),
            Applicability::Safe,
            vec![Edit {
                span: Span::new(first.start, first.start),
                text,
            }],
        )
    }

    /// In a revision: the statement moved into an autocommit block, when it
    /// runs in a transaction.
    pub fn in_autocommit_block(&self) -> Option<Fix> {
        if self.kind != MigrationKind::Revision || !self.step.in_transaction {
            return None;
        }
        fix(
            "run it in an autocommit block",
            Applicability::Safe,
            vec![self.replace(autocommit_block(self.indent()?, self.statement()))],
        )
    }

    /// In a revision: `CONCURRENTLY` in the op (`postgresql_concurrently=True`
    /// on a call starting `call`) or in the SQL of an `op.execute` (after the
    /// leading keywords, one of `words`), and out of the transaction.
    pub fn concurrently(&self, call: &str, words: &[&[&str]]) -> Option<Edit> {
        let statement = self.statement();
        let new = if self.step.from_sql {
            let at = words.iter().find_map(|w| keyword_end(statement, w))?;
            format!("{} CONCURRENTLY{}", &statement[..at], &statement[at..])
        } else if statement.starts_with(call) {
            with_keyword(statement, "postgresql_concurrently=True")?
        } else {
            return None;
        };
        Some(self.replace(if self.step.in_transaction {
            autocommit_block(self.indent()?, &new)
        } else {
            new
        }))
    }

    /// A constraint added `NOT VALID` and validated after a commit: in a
    /// revision, `postgresql_not_valid=True` and an `op.execute` of
    /// `VALIDATE` in an autocommit block; in SQL, ` NOT VALID;` and the
    /// `VALIDATE` statement.
    pub fn not_valid(&self, name: &str, table: &TableRef) -> Option<Vec<Edit>> {
        match self.kind {
            MigrationKind::Revision => {
                let call = with_keyword(self.statement(), "postgresql_not_valid=True")?;
                let validate = format!("op.execute({})", py_repr(&validate_sql(table, name)));
                let indent = self.indent()?;
                Some(vec![
                    self.replace(call),
                    self.insert_after_line(format!(
                        "\n{indent}{}",
                        autocommit_block(indent, &validate)
                    )),
                ])
            }
            MigrationKind::Sql => {
                Some(vec![self.insert_after(format!(
                    " NOT VALID;\n{}",
                    validate_sql(table, name)
                ))])
            }
        }
    }
}

/// The whitespace before `at` on its line; `None` when code precedes it.
fn indent_at(source: &str, at: usize) -> Option<&str> {
    let start = source[..at].rfind('\n').map_or(0, |p| p + 1);
    let indent = &source[start..at];
    indent
        .chars()
        .all(|c| c == ' ' || c == '\t')
        .then_some(indent)
}

pub fn fix(
    title: impl Into<String>,
    applicability: Applicability,
    edits: Vec<Edit>,
) -> Option<Fix> {
    Some(Fix {
        title: title.into(),
        applicability,
        edits,
    })
}

/// A Python statement moved into an autocommit block (more indented lines
/// after the first move along).
pub fn autocommit_block(indent: &str, statement: &str) -> String {
    format!(
        "with op.get_context().autocommit_block():\n{indent}    {}",
        statement.replace('\n', "\n    ")
    )
}

/// The call with one more keyword argument before its closing parenthesis.
pub fn with_keyword(call: &str, keyword: &str) -> Option<String> {
    let name = keyword.split('=').next().unwrap_or(keyword);
    if call.contains(name) || !call.ends_with(')') {
        return None;
    }
    let inner = call[..call.len() - 1].trim_end();
    let separator = if inner.ends_with('(') {
        ""
    } else if inner.ends_with(',') {
        " "
    } else {
        ", "
    };
    let tail = &call[inner.len()..call.len() - 1];
    Some(format!("{inner}{separator}{keyword}{tail})"))
}

/// The name PostgreSQL gives an unnamed constraint (`t_a_b_key`), when it
/// fits in an identifier without PostgreSQL's truncation rules.
pub fn default_name(table: &TableRef, columns: &[String], suffix: &str) -> Option<String> {
    let name = format!("{}_{}_{suffix}", table.name, columns.join("_"));
    (name.len() <= 63 && !columns.is_empty()).then_some(name)
}

/// `, schema='s'` for a table in a schema.
pub fn schema_keyword(table: &TableRef) -> String {
    table
        .schema
        .as_ref()
        .map(|s| format!(", schema={}", py_repr(s)))
        .unwrap_or_default()
}

/// The CHECK (col IS NOT NULL) that proves a column before SET NOT NULL
/// (when its name fits in an identifier).
pub fn not_null_check_name(alter: &crate::op::AlterColumn) -> Option<String> {
    crate::naming::not_null_check_name(&alter.table.name, &alter.column)
}

pub fn validate_sql(table: &TableRef, name: &str) -> String {
    format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        table_name(table),
        ident(name)
    )
}

/// The end of the leading keywords `words` in a statement (any case,
/// separated by whitespace), after an `op.execute("` opening if any.
pub fn keyword_end(statement: &str, words: &[&str]) -> Option<usize> {
    let upper = statement.to_ascii_uppercase();
    let mut at = upper.find(words.first()?)?;
    // Inside a Python call, the SQL starts after the quote.
    if statement.starts_with("op.") && !statement[..at].contains(['"', '\'']) {
        return None;
    }
    at += words[0].len();
    for word in &words[1..] {
        let rest = &upper[at..];
        let skipped = rest.len() - rest.trim_start().len();
        if skipped == 0 || !rest.trim_start().starts_with(word) {
            return None;
        }
        at += skipped + word.len();
    }
    Some(at)
}

/// `source` with the fixes applied that do not overlap an earlier one;
/// and how many were applied.
pub fn apply(source: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                // Touching spans clash too: two edits at one place would
                // apply in an order nobody chose.
                e.span.start <= c.span.end && c.span.start <= e.span.end
            })
        });
        if !clashes && fix.edits.iter().all(|e| e.span.end <= source.len()) {
            chosen.extend(&fix.edits);
            applied += 1;
        }
    }
    chosen.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in chosen {
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.text);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    (out, applied)
}
