//! `missing-downgrade`: The revision cannot be downgraded.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Step, Subject, table_of};
use crate::op::{Command, Op};
use crate::revision::Body;
use crate::text::Span;

pub const RULE: Rule = Rule {
    id: "missing-downgrade",
    severity: Severity::Warning,
    summary: "The revision cannot be downgraded",
    explanation: Explanation {
        what: "Flags a revision whose upgrade changes the schema or destroys rows (`DELETE`, `TRUNCATE`) while its `downgrade()` is missing, only `pass`, or raises `NotImplementedError`. An upgrade that leaves nothing to undo is not flagged: a backfill (`UPDATE`, `INSERT`), `VALIDATE CONSTRAINT`, settings, `VACUUM`/`ANALYZE`/`REINDEX`, or a table created and dropped in the same upgrade.",
        why: "A release that must be rolled back cannot be: `alembic downgrade` either fails or silently leaves the schema as it was, out of step with the code. A downgrade nobody wrote has also never been run.",
        example: "def downgrade():\n    pass",
        instead: "Write the inverse of each op in reverse order, and run upgrade → downgrade → upgrade before merging (retort's simulator does).",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    if let Some((at, why)) = cannot_roll_back(cx) {
        out.push(Flag::new(
            at,
            format!("downgrade() {why}: this revision cannot be rolled back"),
        ));
    }
}

/// Where and why the revision of `cx` cannot be rolled back (`is empty`,
/// `is missing`…) when its upgrade leaves something to undo: this rule's
/// judgement, which `retort check` shares.
pub fn cannot_roll_back(cx: &Subject<'_>) -> Option<(Span, &'static str)> {
    let revision = cx.revision.as_ref()?;
    if revision.upgrade != Body::Ops {
        return None;
    }
    let why = match revision.downgrade {
        Body::Ops => return None,
        Body::Empty => "is empty",
        Body::NotImplemented => "raises NotImplementedError",
        Body::Missing => "is missing",
    };
    let undoes = revision.unread_sql
        || cx
            .steps
            .iter()
            .any(|step| leaves_something(step, &cx.steps));
    undoes.then_some((revision.downgrade_at, why))
}

/// Whether a downgrade would have something to undo after `step`: it
/// changes the schema or destroys rows. A backfill, a validation, a
/// setting or maintenance does not; nor does anything on a table the
/// upgrade both creates and drops.
fn leaves_something(step: &Step<'_>, steps: &[Step<'_>]) -> bool {
    if let Some(table) = table_of(step.op)
        && (step.new_table || matches!(step.op, Op::CreateTable { .. }))
    {
        let dropped_later = steps.iter().any(|other| {
            matches!(other.op, Op::DropTable { .. })
                && other.span.start >= step.span.start
                && table_of(other.op).as_ref() == Some(&table)
        });
        if dropped_later {
            return false;
        }
    }
    if let Op::DropTable { .. } = step.op
        && let Some(table) = table_of(step.op)
        && steps.iter().any(|other| {
            matches!(other.op, Op::CreateTable { .. })
                && other.span.start <= step.span.start
                && table_of(other.op).as_ref() == Some(&table)
        })
    {
        return false;
    }
    match step.op {
        Op::Command(command) => match command {
            Command::Begin
            | Command::Commit
            | Command::Rollback
            | Command::Set { .. }
            | Command::Vacuum { .. }
            | Command::Reindex { .. }
            | Command::ValidateConstraint { .. }
            | Command::Lock { .. } => false,
            Command::Dml { verb, .. } => !matches!(*verb, "INSERT" | "UPDATE" | "MERGE"),
            Command::Other { verb } => {
                let first = verb.split_whitespace().next().unwrap_or("");
                ![
                    "SELECT",
                    "ANALYZE",
                    "NOTIFY",
                    "SHOW",
                    "EXPLAIN",
                    "CHECKPOINT",
                    "RESET",
                    "DISCARD",
                ]
                .iter()
                .any(|v| first.eq_ignore_ascii_case(v))
            }
            _ => true,
        },
        _ => true,
    }
}
