//! `concurrently-in-transaction`: CONCURRENTLY cannot run inside a transaction.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::fix::{Fix, Site};
use crate::lint::{Flag, Subject};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "concurrently-in-transaction",
    severity: Severity::Error,
    summary: "CONCURRENTLY cannot run inside a transaction",
    explanation: Explanation {
        what: "Flags `postgresql_concurrently=True` index ops, `CREATE/DROP INDEX CONCURRENTLY` and `REINDEX … CONCURRENTLY` that run inside the migration's transaction.",
        why: "Alembic runs a revision inside a transaction on PostgreSQL, and PostgreSQL refuses concurrent index operations there: `ERROR: CREATE INDEX CONCURRENTLY cannot run inside a transaction block`.",
        example: "op.create_index('ix_a', 'account', ['email'], postgresql_concurrently=True)",
        instead: "with op.get_context().autocommit_block():\n    op.create_index('ix_a', 'account', ['email'], postgresql_concurrently=True)",
        fix_safety: "Safe: the block commits what ran before it; the ops keep their order.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        let concurrent = step.concurrently
            || matches!(
                step.op,
                Op::Command(Command::Reindex {
                    concurrently: true,
                    ..
                })
            );
        if concurrent && step.in_transaction {
            out.push(Flag::new(
                step.span,
                "CONCURRENTLY inside a transaction: PostgreSQL refuses it (put it in `op.get_context().autocommit_block()`)",
            ));
        }
    }
}

/// The statement moved into an autocommit block.
fn fix(site: &Site<'_>) -> Option<Fix> {
    site.in_autocommit_block()
}
