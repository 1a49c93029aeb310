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

use super::{Cx, Finding, Step};
use crate::op::{Command, Op, TableRef};
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

/// Gives each finding its fix, where there is one.
pub fn attach(source: &str, sql: bool, cx: &Cx<'_>, findings: &mut [Finding]) {
    let first = cx.first;
    // Each span's step, and how many steps share it.
    let mut by_span: crate::hash::FastMap<Span, (usize, usize)> =
        crate::hash::FastMap::with_capacity_and_hasher(cx.steps.len(), Default::default());
    for (i, step) in cx.steps.iter().enumerate() {
        by_span.entry(step.span).or_insert((i, 0)).1 += 1;
    }
    super::on_cores(findings, |finding| {
        let Some(&(i, count)) = by_span.get(&finding.span) else {
            return;
        };
        // One statement that holds several ops (an op.execute with two
        // statements): a fix for one would be wrong for the others.
        if count > 1 {
            return;
        }
        let step = &cx.steps[i];
        let text = Text {
            source,
            span: step.span,
        };
        finding.fix = if sql {
            sql_fix(finding.rule, step, &text, first, cx)
        } else {
            python_fix(finding.rule, step, &text, first, cx)
        };
    });
}

/// The statement a finding is on, in its file.
struct Text<'s> {
    source: &'s str,
    span: Span,
}

impl<'s> Text<'s> {
    fn statement(&self) -> &'s str {
        self.source
            .get(self.span.start..self.span.end)
            .unwrap_or("")
    }

    /// The whitespace before the statement on its line; `None` when code
    /// precedes it there (`if x: op.…`), where a block cannot be opened.
    fn indent(&self) -> Option<&'s str> {
        let start = self.source[..self.span.start]
            .rfind('\n')
            .map_or(0, |p| p + 1);
        let indent = &self.source[start..self.span.start];
        indent
            .chars()
            .all(|c| c == ' ' || c == '\t')
            .then_some(indent)
    }

    fn replace(&self, text: String) -> Edit {
        Edit {
            span: self.span,
            text,
        }
    }

    fn insert_after(&self, text: String) -> Edit {
        Edit {
            span: Span::new(self.span.end, self.span.end),
            text,
        }
    }

    /// At the end of the statement's last line, after a trailing comment
    /// (which stays with the statement it was written for).
    fn insert_after_line(&self, text: String) -> Edit {
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
}

fn fix(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Option<Fix> {
    Some(Fix {
        title: title.into(),
        applicability,
        edits,
    })
}

/// A Python statement moved into an autocommit block (more indented lines
/// after the first move along).
fn autocommit_block(indent: &str, statement: &str) -> String {
    format!(
        "with op.get_context().autocommit_block():\n{indent}    {}",
        statement.replace('\n', "\n    ")
    )
}

/// The call with one more keyword argument before its closing parenthesis.
fn with_keyword(call: &str, keyword: &str) -> Option<String> {
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
fn default_name(table: &TableRef, columns: &[String], suffix: &str) -> Option<String> {
    let name = format!("{}_{}_{suffix}", table.name, columns.join("_"));
    (name.len() <= 63 && !columns.is_empty()).then_some(name)
}

/// `, schema='s'` for a table in a schema.
fn schema_keyword(table: &TableRef) -> String {
    table
        .schema
        .as_ref()
        .map(|s| format!(", schema={}", py_repr(s)))
        .unwrap_or_default()
}

/// The CHECK (col IS NOT NULL) that proves a column before SET NOT NULL
/// (when its name fits in an identifier).
fn not_null_check_name(alter: &crate::op::AlterColumn) -> Option<String> {
    let name = format!("{}_{}_not_null", alter.table.name, alter.column);
    (name.len() <= 63).then_some(name)
}

fn validate_sql(table: &TableRef, name: &str) -> String {
    format!(
        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
        table_name(table),
        ident(name)
    )
}

fn python_fix(
    rule: &str,
    step: &Step<'_>,
    text: &Text<'_>,
    first: Option<Span>,
    cx: &Cx<'_>,
) -> Option<Fix> {
    use Applicability::{DisplayOnly, Safe};
    let indent = text.indent()?;
    let statement = text.statement();
    // Only module-level `op.` calls: a `batch_op.` call lives inside its
    // batch block, where an autocommit block cannot go.
    if !statement.starts_with("op.") {
        return None;
    }
    // `CONCURRENTLY` in the op (`postgresql_concurrently=True`) or in the
    // SQL of an `op.execute`, and out of the transaction.
    let concurrently = |call: &str, words: &[&[&str]]| {
        let new = if step.from_sql {
            let at = words.iter().find_map(|w| keyword_end(statement, w))?;
            format!("{} CONCURRENTLY{}", &statement[..at], &statement[at..])
        } else if statement.starts_with(call) {
            with_keyword(statement, "postgresql_concurrently=True")?
        } else {
            return None;
        };
        Some(text.replace(if step.in_transaction {
            autocommit_block(indent, &new)
        } else {
            new
        }))
    };
    let not_valid = |name: &str, table: &TableRef| {
        let call = with_keyword(statement, "postgresql_not_valid=True")?;
        let validate = format!("op.execute({})", py_repr(&validate_sql(table, name)));
        Some(vec![
            text.replace(call),
            text.insert_after_line(format!("\n{indent}{}", autocommit_block(indent, &validate))),
        ])
    };
    match (rule, step.op) {
        ("create-index-non-concurrently", Op::CreateIndex { .. }) => fix(
            "build the index CONCURRENTLY, outside the transaction",
            Safe,
            vec![concurrently(
                "op.create_index(",
                &[&["CREATE", "INDEX"], &["CREATE", "UNIQUE", "INDEX"]],
            )?],
        ),
        ("drop-index-non-concurrently", Op::DropIndex { .. }) => fix(
            "drop the index CONCURRENTLY, outside the transaction",
            Safe,
            vec![concurrently("op.drop_index(", &[&["DROP", "INDEX"]])?],
        ),
        ("concurrently-in-transaction" | "enum-add-value-in-transaction", _)
        | ("validate-in-same-transaction", _)
            if step.in_transaction =>
        {
            fix(
                "run it in an autocommit block",
                Safe,
                vec![text.replace(autocommit_block(indent, statement))],
            )
        }
        ("reindex-non-concurrently", Op::Command(Command::Reindex { .. }))
            if cx.settings.postgres >= 12 =>
        {
            fix(
                "REINDEX CONCURRENTLY, outside the transaction",
                Safe,
                vec![concurrently(
                    "",
                    &[&["REINDEX", "TABLE"], &["REINDEX", "INDEX"]],
                )?],
            )
        }
        ("add-foreign-key-validating", Op::CreateForeignKey { table, fk, .. })
            if statement.starts_with("op.create_foreign_key(") =>
        {
            let name = fk
                .name
                .clone()
                .or_else(|| default_name(table, &fk.columns, "fkey"))?;
            fix(
                "add it NOT VALID, then VALIDATE after a commit",
                Safe,
                not_valid(&name, table)?,
            )
        }
        ("add-check-validating", Op::CreateCheckConstraint { table, name, .. })
            if statement.starts_with("op.create_check_constraint(") =>
        {
            fix(
                "add it NOT VALID, then VALIDATE after a commit",
                Safe,
                not_valid(name.as_deref()?, table)?,
            )
        }
        (
            "add-unique-constraint",
            Op::CreateUniqueConstraint {
                table, constraint, ..
            },
        ) if statement.starts_with("op.create_unique_constraint(") => {
            let name = constraint
                .name
                .clone()
                .or_else(|| default_name(table, &constraint.columns, "key"))?;
            let columns: Vec<String> = constraint.columns.iter().map(|c| py_repr(c)).collect();
            let schema = schema_keyword(table);
            let index = format!(
                "op.create_index({}, {}, [{}], unique=True{schema}, postgresql_concurrently=True)",
                py_repr(&name),
                py_repr(&table.name),
                columns.join(", ")
            );
            let attach = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                table_name(table),
                ident(&name),
                ident(&name)
            );
            fix(
                "build a unique index CONCURRENTLY, then add the constraint USING it",
                Safe,
                vec![text.replace(format!(
                    "{}\n{indent}op.execute({})",
                    autocommit_block(indent, &index),
                    py_repr(&attach)
                ))],
            )
        }
        ("set-not-null", Op::AlterColumn(alter))
            if cx.settings.postgres >= 12
                && statement.starts_with("op.alter_column(")
                && alter.ty.target.is_none()
                && alter.server_default.target.is_none()
                && alter.new_name.is_none() =>
        {
            let check = not_null_check_name(alter)?;
            let schema = schema_keyword(&alter.table);
            let table = py_repr(&alter.table.name);
            let name = py_repr(&check);
            let create = format!(
                "op.create_check_constraint({name}, {table}, {}{schema}, postgresql_not_valid=True)",
                py_repr(&format!("{} IS NOT NULL", ident(&alter.column)))
            );
            let validate = format!(
                "op.execute({})",
                py_repr(&validate_sql(&alter.table, &check))
            );
            fix(
                "prove it with a CHECK added NOT VALID and validated first; SET NOT NULL then skips the scan",
                Safe,
                vec![text.replace(format!(
                    "{create}\n{indent}{}\n{indent}{statement}\n{indent}op.drop_constraint({name}, {table}{schema}, type_='check')",
                    autocommit_block(indent, &validate)
                ))],
            )
        }
        ("missing-lock-timeout", _) => {
            let first = first?;
            let at = Text {
                source: text.source,
                span: first,
            };
            let indent = at.indent()?;
            fix(
                format!("SET lock_timeout = '{LOCK_TIMEOUT}' before the first op"),
                Safe,
                vec![Edit {
                    span: Span::new(first.start, first.start),
                    text: format!(
                        "op.execute({})\n{indent}",
                        py_repr(&format!("SET lock_timeout = '{LOCK_TIMEOUT}'"))
                    ),
                }],
            )
        }
        ("add-not-null-column-without-default", Op::AddColumn { table, column, .. }) => {
            let nullable = statement.replacen("nullable=False", "nullable=True", 1);
            if nullable == statement {
                return None;
            }
            let schema = schema_keyword(table);
            let backfill = format!(
                "UPDATE {} SET {} = {PLACEHOLDER} WHERE {} IS NULL",
                table_name(table),
                ident(&column.name),
                ident(&column.name)
            );
            // Steps 2 and 3 in one transaction with step 1 would hold its
            // ACCESS EXCLUSIVE lock through the whole backfill: they are
            // shown as the revisions of their own they belong in.
            fix(
                "add it nullable, backfill, then SET NOT NULL (the 3-step pattern: three revisions)",
                DisplayOnly,
                vec![text.replace(format!(
                    "{nullable}\n\
                     {indent}# retort: then, in a revision of its own (2/3), the backfill, in batches on a big table:\n\
                     {indent}#     op.execute({})\n\
                     {indent}# retort: and in another (3/3), once every row has a value:\n\
                     {indent}#     op.alter_column({}, {}{schema}, nullable=False)",
                    py_repr(&backfill),
                    py_repr(&table.name),
                    py_repr(&column.name)
                ))],
            )
        }
        _ => None,
    }
}

/// The end of the leading keywords `words` in a statement (any case,
/// separated by whitespace), after an `op.execute("` opening if any.
fn keyword_end(statement: &str, words: &[&str]) -> Option<usize> {
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

fn sql_fix(
    rule: &str,
    step: &Step<'_>,
    text: &Text<'_>,
    first: Option<Span>,
    cx: &Cx<'_>,
) -> Option<Fix> {
    use Applicability::Safe;
    let statement = text.statement();
    let insert = |at: usize, what: &str| Edit {
        span: Span::new(text.span.start + at, text.span.start + at),
        text: what.to_string(),
    };
    let outside = !step.in_transaction;
    match (rule, step.op) {
        ("create-index-non-concurrently", Op::CreateIndex { .. }) if outside => {
            let at = keyword_end(statement, &["CREATE", "INDEX"])
                .or_else(|| keyword_end(statement, &["CREATE", "UNIQUE", "INDEX"]))?;
            fix(
                "build the index CONCURRENTLY",
                Safe,
                vec![insert(at, " CONCURRENTLY")],
            )
        }
        ("drop-index-non-concurrently", Op::DropIndex { .. }) if outside => {
            let at = keyword_end(statement, &["DROP", "INDEX"])?;
            fix(
                "drop the index CONCURRENTLY",
                Safe,
                vec![insert(at, " CONCURRENTLY")],
            )
        }
        ("reindex-non-concurrently", _) if outside && cx.settings.postgres >= 12 => {
            let at = keyword_end(statement, &["REINDEX", "TABLE"])
                .or_else(|| keyword_end(statement, &["REINDEX", "INDEX"]))?;
            fix(
                "REINDEX CONCURRENTLY",
                Safe,
                vec![insert(at, " CONCURRENTLY")],
            )
        }
        ("add-foreign-key-validating", Op::CreateForeignKey { table, fk, .. }) if outside => {
            let name = fk.name.as_deref()?;
            fix(
                "add it NOT VALID, then VALIDATE",
                Safe,
                vec![text.insert_after(format!(" NOT VALID;\n{}", validate_sql(table, name)))],
            )
        }
        ("add-check-validating", Op::CreateCheckConstraint { table, name, .. }) if outside => fix(
            "add it NOT VALID, then VALIDATE",
            Safe,
            vec![text.insert_after(format!(
                " NOT VALID;\n{}",
                validate_sql(table, name.as_deref()?)
            ))],
        ),
        ("set-not-null", Op::AlterColumn(alter))
            if outside
                && cx.settings.postgres >= 12
                && keyword_end(statement, &["ALTER", "TABLE"]).is_some()
                && !statement.contains(',') =>
        {
            let check = not_null_check_name(alter)?;
            let table = table_name(&alter.table);
            let name = ident(&check);
            fix(
                "prove it with a CHECK added NOT VALID and validated first; SET NOT NULL then skips the scan",
                Safe,
                vec![text.replace(format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({} IS NOT NULL) NOT VALID;\n{};\n{statement};\nALTER TABLE {table} DROP CONSTRAINT {name}",
                    ident(&alter.column),
                    validate_sql(&alter.table, &check)
                ))],
            )
        }
        (
            "add-unique-constraint",
            Op::CreateUniqueConstraint {
                table, constraint, ..
            },
        ) if outside && !statement.contains("USING") => {
            let name = constraint.name.as_deref()?;
            let columns: Vec<String> = constraint.columns.iter().map(|c| ident(c)).collect();
            fix(
                "build a unique index CONCURRENTLY, then add the constraint USING it",
                Safe,
                vec![text.replace(format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({});\nALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                    ident(name),
                    table_name(table),
                    columns.join(", "),
                    table_name(table),
                    ident(name),
                    ident(name)
                ))],
            )
        }
        ("missing-lock-timeout", _) => {
            let first = first?;
            fix(
                format!("SET lock_timeout = '{LOCK_TIMEOUT}' before the first statement"),
                Safe,
                vec![Edit {
                    span: Span::new(first.start, first.start),
                    text: format!("SET lock_timeout = '{LOCK_TIMEOUT}';\n"),
                }],
            )
        }
        _ => None,
    }
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
