//! `missing-lock-timeout`: A lock that blocks traffic is requested without a lock_timeout.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Severity;
use crate::lint::fix::{Fix, Site};
use crate::lint::locks::{Lock, locks};
use crate::lint::{Flag, Settings, Step, Subject};
use crate::op::Op;

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
    if let Some((step, lock)) = first_blocking(cx) {
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
    }
}

/// The first step that waits for a lock blocking traffic on an existing
/// table with no lock_timeout set, and that lock.
fn first_blocking<'s, 'a>(cx: &'s Subject<'a>) -> Option<(&'s Step<'a>, Lock)> {
    cx.existing()
        .filter(|step| !step.lock_timeout)
        .find_map(|step| {
            locks(step, cx.settings)
                .into_iter()
                .find(|l| l.mode.blocks_traffic())
                .map(|lock| (step, lock))
        })
}

/// Whether `ops`, run as a revision runs them, need a `SET lock_timeout`
/// before them: what safe mode asks before it writes a revision.
pub fn needs_lock_timeout(ops: &[Op], settings: &Settings) -> bool {
    let cx = Subject {
        steps: crate::lint::ops_steps(ops),
        downgrade: Vec::new(),
        settings,
        revision: None,
        first: None,
    };
    first_blocking(&cx).is_some()
}

/// `SET lock_timeout` before the first statement.
fn fix(site: &Site<'_>) -> Option<Fix> {
    site.lock_timeout_first()
}
