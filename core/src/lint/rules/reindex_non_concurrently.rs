//! `reindex-non-concurrently`: REINDEX without CONCURRENTLY blocks writes.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site, keyword_end};
use crate::lint::{Flag, Subject};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "reindex-non-concurrently",
    severity: Severity::Warning,
    summary: "REINDEX without CONCURRENTLY blocks writes",
    explanation: Explanation {
        what: "Flags `REINDEX` without `CONCURRENTLY` (available from PostgreSQL 12).",
        why: "REINDEX holds a SHARE lock on the table (writes wait) and an ACCESS EXCLUSIVE lock on the index (queries that would use it wait) for the whole rebuild.",
        example: "op.execute('REINDEX INDEX ix_event_account_id')",
        instead: "with op.get_context().autocommit_block():\n    op.execute('REINDEX INDEX CONCURRENTLY ix_event_account_id')",
        fix_safety: "Safe (PostgreSQL 12 and later, where REINDEX CONCURRENTLY exists).",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        if let Op::Command(Command::Reindex {
            concurrently: false,
            target,
        }) = step.op
        {
            out.push(Flag::new(
                step.span,
                format!("REINDEX {target} without CONCURRENTLY: writes wait for the rebuild"),
            ));
        }
    }
}

/// `REINDEX CONCURRENTLY` (PostgreSQL 12 on), outside the transaction.
fn fix(site: &Site<'_>) -> Option<Fix> {
    if site.postgres() < 12 {
        return None;
    }
    match site.kind {
        MigrationKind::Revision => {
            let Op::Command(Command::Reindex { .. }) = site.step.op else {
                return None;
            };
            fix::fix(
                "REINDEX CONCURRENTLY, outside the transaction",
                Applicability::Safe,
                vec![site.concurrently("", &[&["REINDEX", "TABLE"], &["REINDEX", "INDEX"]])?],
            )
        }
        MigrationKind::Sql if !site.step.in_transaction => {
            let statement = site.statement();
            let at = keyword_end(statement, &["REINDEX", "TABLE"])
                .or_else(|| keyword_end(statement, &["REINDEX", "INDEX"]))?;
            fix::fix(
                "REINDEX CONCURRENTLY",
                Applicability::Safe,
                vec![site.insert_at(at, " CONCURRENTLY")],
            )
        }
        MigrationKind::Sql => None,
    }
}
