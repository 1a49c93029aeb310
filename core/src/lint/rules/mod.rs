//! The rule catalogue: one rule per file, each with its id, severity, the
//! one explanation every surface prints (`retort rule ID`, the app's review
//! pane, docs/rules.md) and its check.

use super::{Step, Subject};
use crate::diagnostic::Severity;
use crate::op::Op;
use crate::schema::SqlType;

mod add_check_validating;
mod add_column_stored_generated;
mod add_column_volatile_default;
mod add_exclude_constraint;
mod add_foreign_key_validating;
mod add_not_null_column_without_default;
mod add_primary_key;
mod add_unique_constraint;
mod alter_column_type_rewrite;
mod alter_column_type_without_using;
mod ban_drop_database;
mod ban_truncate;
mod concurrently_in_transaction;
mod create_index_non_concurrently;
mod drop_column;
mod drop_index_non_concurrently;
mod drop_table;
mod empty_upgrade;
mod enum_add_value_in_transaction;
mod foreign_key_without_index;
pub(crate) mod invalid_ignore;
mod looks_like_rename;
mod missing_downgrade;
pub use missing_downgrade::cannot_roll_back;
pub use missing_lock_timeout::needs_lock_timeout;
mod missing_lock_timeout;
mod multiple_heads;
mod prefer_bigint_over_int;
mod prefer_identity_over_serial;
mod prefer_jsonb_over_json;
mod prefer_text_over_varchar;
mod prefer_timestamptz;
mod reindex_non_concurrently;
mod rename_column;
mod rename_table;
mod set_logged_unlogged;
mod set_not_null;
mod statements_after_exclusive_lock;
pub(crate) mod unused_ignore;
mod vacuum_full;
mod validate_in_same_transaction;

/// Whether rule `id` judges a `downgrade()` too. Left out: what a rollback
/// is expected to do (drop the tables and columns the upgrade added, give
/// back the old names and types, so style rules on types have no say),
/// and what concerns the revision file rather than its statements.
pub fn judges_rollback(id: &str) -> bool {
    !matches!(
        id,
        "drop-column"
            | "drop-table"
            | "rename-column"
            | "rename-table"
            | "looks-like-rename"
            | "prefer-bigint-over-int"
            | "prefer-identity-over-serial"
            | "prefer-jsonb-over-json"
            | "prefer-text-over-varchar"
            | "prefer-timestamptz"
            | "foreign-key-without-index"
            | "empty-upgrade"
            | "missing-downgrade"
            | "multiple-heads"
            | "invalid-ignore"
            | "unused-ignore"
    )
}

/// What a rule explains, in the order it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub instead: &'static str,
    pub fix_safety: &'static str,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable: ignore comments and configuration name it.
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explanation: Explanation,
    /// How it fixes what it finds, where it can (the same edit in a
    /// revision file and in a `.sql` script, or one of them).
    pub fix: Option<super::fix::FixFn>,
    pub check: Check,
}

/// How a rule reads a migration's steps. A long SQL script is judged a part
/// at a time (its ops read, judged and freed before the next part is read),
/// so a rule that needs more than the step in front of it says so.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Each step judged on its own (with what the flattener knows of the
    /// steps before it: transaction, new table, lock timeout).
    Steps(fn(&Subject<'_>, &mut Vec<super::Flag>)),
    /// A judgement that depends on other steps: `part` reads each part in
    /// turn and keeps what it needs in its [`Memory`]; `end` reports what
    /// only the whole migration shows (its findings get no fix: the ops are
    /// gone by then).
    Carried {
        part: fn(&Subject<'_>, &mut Memory, &mut Vec<super::Flag>),
        end: fn(&mut Memory, &mut Vec<super::Flag>),
    },
}

/// What a [`Check::Carried`] rule keeps from the parts it has read: a value
/// of the rule's own type, made on first use.
#[derive(Default)]
pub struct Memory(Option<Box<dyn std::any::Any + Send>>);

impl Memory {
    /// The rule's value (`T::default()` the first time).
    pub fn get<T: Default + Send + 'static>(&mut self) -> &mut T {
        if !self.0.as_ref().is_some_and(|held| held.is::<T>()) {
            self.0 = Some(Box::new(T::default()));
        }
        self.0
            .as_mut()
            .and_then(|held| held.downcast_mut::<T>())
            .expect("a value of this type was just stored")
    }
}

impl std::fmt::Debug for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Memory(..)"
        } else {
            "Memory(empty)"
        })
    }
}

/// For a [`Check::Carried`] rule that reports as it goes.
pub(crate) fn nothing_at_end(_: &mut Memory, _: &mut Vec<super::Flag>) {}

/// Every rule, in the catalogue's order.
pub const RULES: &[&Rule] = &[
    &add_not_null_column_without_default::RULE,
    &set_not_null::RULE,
    &add_column_volatile_default::RULE,
    &add_column_stored_generated::RULE,
    &create_index_non_concurrently::RULE,
    &drop_index_non_concurrently::RULE,
    &concurrently_in_transaction::RULE,
    &add_foreign_key_validating::RULE,
    &add_check_validating::RULE,
    &validate_in_same_transaction::RULE,
    &add_unique_constraint::RULE,
    &add_primary_key::RULE,
    &add_exclude_constraint::RULE,
    &alter_column_type_rewrite::RULE,
    &alter_column_type_without_using::RULE,
    &prefer_text_over_varchar::RULE,
    &prefer_jsonb_over_json::RULE,
    &prefer_timestamptz::RULE,
    &prefer_bigint_over_int::RULE,
    &prefer_identity_over_serial::RULE,
    &drop_table::RULE,
    &drop_column::RULE,
    &looks_like_rename::RULE,
    &rename_table::RULE,
    &rename_column::RULE,
    &missing_downgrade::RULE,
    &empty_upgrade::RULE,
    &missing_lock_timeout::RULE,
    &statements_after_exclusive_lock::RULE,
    &enum_add_value_in_transaction::RULE,
    &foreign_key_without_index::RULE,
    &ban_truncate::RULE,
    &ban_drop_database::RULE,
    &set_logged_unlogged::RULE,
    &reindex_non_concurrently::RULE,
    &vacuum_full::RULE,
    &multiple_heads::RULE,
    &unused_ignore::RULE,
    &invalid_ignore::RULE,
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.id == id)
}

/// The message for a rule id that does not exist, with the ids it may
/// have meant.
pub fn unknown(id: &str) -> String {
    let close: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|r| !id.is_empty() && (r.contains(id) || id.contains(r)))
        .collect();
    if close.is_empty() {
        format!("no rule `{id}` (`retort rule --all` lists them)")
    } else {
        format!("no rule `{id}` (did you mean {}?)", close.join(", "))
    }
}

impl<'a> Subject<'a> {
    /// The steps on tables that existed before the migration.
    pub fn existing(&self) -> impl Iterator<Item = &Step<'a>> {
        self.steps.iter().filter(|s| !s.new_table)
    }
}

/// `table.column`, formatted only when a message needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct QualifiedColumn<'c> {
    pub table: &'c str,
    pub column: &'c str,
}

impl std::fmt::Display for QualifiedColumn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.table, self.column)
    }
}

/// Every column type a step declares: the columns of a new table, an added
/// column, a column's new type — with the step and `table.column`.
pub(crate) fn column_types<'c>(
    cx: &'c Subject<'_>,
) -> impl Iterator<Item = (&'c Step<'c>, QualifiedColumn<'c>, &'c SqlType)> {
    cx.steps.iter().flat_map(|step| {
        let name = |table: &'c str, column: &'c str| QualifiedColumn { table, column };
        // No boxed iterator per step: a table's columns, or one column.
        let created = match step.op {
            Op::CreateTable { table, .. } => Some(table),
            _ => None,
        };
        let one = match step.op {
            Op::AddColumn { table, column, .. } => {
                Some((name(&table.name, &column.name), &column.ty))
            }
            Op::AlterColumn(alter) => alter
                .ty
                .target
                .as_ref()
                .map(|target| (name(&alter.table.name, &alter.column), &target.column.ty)),
            _ => None,
        };
        created
            .into_iter()
            .flat_map(move |table| {
                table
                    .columns
                    .iter()
                    .map(move |c| (name(&table.name, &c.name), &c.ty))
            })
            .chain(one)
            .map(move |(n, ty)| (step, n, ty))
    })
}

/// The catalogue as Markdown (docs/rules.md).
pub fn markdown() -> String {
    let mut text = String::from(
        "# retort's rules\n\n<!-- Generated from core/src/lint/rules/ (RETORT_UPDATE_DOCS=1 cargo test -p retort-core --test lint_cases); do not edit. -->\n\n\
         | id | severity | summary |\n|---|---|---|\n",
    );
    for rule in RULES {
        text.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            rule.id,
            rule.id,
            severity_name(rule.severity),
            rule.summary
        ));
    }
    for rule in RULES {
        text.push_str(&format!(
            "\n## {}\n\n{} ({}).\n",
            rule.id,
            rule.summary,
            severity_name(rule.severity)
        ));
        text.push_str(&explain(rule, "### ", true));
    }
    text
}

pub fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The explanation's five parts, each under `heading`; examples fenced when
/// `fenced` (Markdown), indented otherwise (a terminal).
pub fn explain(rule: &Rule, heading: &str, fenced: bool) -> String {
    let e = &rule.explanation;
    let code = |text: &str| {
        if fenced {
            format!("```python\n{text}\n```\n")
        } else {
            text.lines().map(|l| format!("    {l}\n")).collect()
        }
    };
    let mut out = String::new();
    for (title, body, is_code) in [
        ("What it does", e.what, false),
        ("Why is this bad", e.why, false),
        ("Example", e.example, true),
        (
            "Use instead",
            e.instead,
            e.instead.contains("op.") && !e.instead.starts_with('`'),
        ),
        ("Fix safety", e.fix_safety, false),
    ] {
        out.push_str(&format!("\n{heading}{title}\n\n"));
        if is_code {
            out.push_str(&code(body));
        } else {
            out.push_str(body);
            out.push('\n');
        }
    }
    out
}
