//! `missing-lock-timeout`: A lock that blocks traffic is requested without a lock_timeout.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Severity;
use crate::lint::fix::{Fix, Site};
use crate::lint::locks::locks;
use crate::lint::{Flag, Subject};

pub const RULE: Rule = Rule {
    id: "missing-lock-timeout",
    severity: Severity::Warning,
    summary: "A lock that blocks traffic is requested without a lock_timeout",
    explanation: Explanation {
        what: "Flags the first step that takes a lock blocking reads or writes on an existing table when no `SET lock_timeout` ran before it.",
        why: "A DDL statement that waits for its lock (behind one long query) makes every later query on the table wait behind it: a quick ALTER becomes an outage. With a lock_timeout the migration fails fast instead and can be retried.",
        example: "op.add_column('account', sa.Column('note', sa.Text()))",
        instead: "op.execute(\"SET lock_timeout = '5s'\")  # first in upgrade()",
        fix_safety: "Safe: it only makes waiting fail.",
    },
    fix: Some(fix),
    check: Check::Carried {
        part: check,
        end: super::nothing_at_end,
    },
};

/// Whether the migration's first such lock was reported (only the first is).
type Reported = bool;

fn check(cx: &Subject<'_>, memory: &mut Memory, out: &mut Vec<Flag>) {
    let reported = memory.get::<Reported>();
    if *reported {
        return;
    }
    for step in cx.existing() {
        if step.lock_timeout {
            continue;
        }
        let blocking = locks(step, cx.settings)
            .into_iter()
            .find(|l| l.mode.blocks_traffic());
        if let Some(lock) = blocking {
            out.push(Flag::new(
                step.span,
                format!(
                    "{} lock on `{}` without a lock_timeout: while it waits, every query on `{}` waits behind it",
                    lock.mode.name(),
                    lock.table,
                    lock.table
                ),
            ));
            *reported = true;
            return;
        }
    }
}

/// `SET lock_timeout` before the first statement.
fn fix(site: &Site<'_>) -> Option<Fix> {
    site.lock_timeout_first()
}
