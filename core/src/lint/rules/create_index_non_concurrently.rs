//! `create-index-non-concurrently`: An index built without CONCURRENTLY blocks writes.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site, keyword_end};
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "create-index-non-concurrently",
    severity: Severity::Warning,
    summary: "An index built without CONCURRENTLY blocks writes",
    explanation: Explanation {
        what: "Flags `create_index` (`CREATE INDEX`) on an existing table without `postgresql_concurrently=True`.",
        why: "A plain index build holds a SHARE lock for its whole duration: every INSERT, UPDATE and DELETE on the table waits, for minutes on a large table.",
        example: "op.create_index('ix_event_account_id', 'event', ['account_id'])",
        instead: "Build it concurrently, outside the transaction:\n\nwith op.get_context().autocommit_block():\n    op.create_index('ix_event_account_id', 'event', ['account_id'], postgresql_concurrently=True)",
        fix_safety: "Safe: the same index. A failed concurrent build leaves an INVALID index to drop before retrying.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::CreateIndex { table, index, .. } = step.op
            && !step.concurrently
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "index `{}` is built without CONCURRENTLY: writes to `{}` wait until it is done",
                    index.name.as_deref().unwrap_or("(unnamed)"),
                    display(table)
                ),
            ));
        }
    }
}

/// `CONCURRENTLY`, outside the transaction.
fn fix(site: &Site<'_>) -> Option<Fix> {
    let Op::CreateIndex { .. } = site.step.op else {
        return None;
    };
    match site.kind {
        MigrationKind::Revision => fix::fix(
            "build the index CONCURRENTLY, outside the transaction",
            Applicability::Safe,
            vec![site.concurrently(
                "op.create_index(",
                &[&["CREATE", "INDEX"], &["CREATE", "UNIQUE", "INDEX"]],
            )?],
        ),
        MigrationKind::Sql if !site.step.in_transaction => {
            let statement = site.statement();
            let at = keyword_end(statement, &["CREATE", "INDEX"])
                .or_else(|| keyword_end(statement, &["CREATE", "UNIQUE", "INDEX"]))?;
            fix::fix(
                "build the index CONCURRENTLY",
                Applicability::Safe,
                vec![site.insert_at(at, " CONCURRENTLY")],
            )
        }
        MigrationKind::Sql => None,
    }
}
