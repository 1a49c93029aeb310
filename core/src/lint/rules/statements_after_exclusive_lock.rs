//! `statements-after-exclusive-lock`: Slow work runs while an ACCESS EXCLUSIVE lock is held.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Severity;
use crate::lint::locks::{LockMode, locks};
use crate::lint::{Flag, Subject};

pub const RULE: Rule = Rule {
    id: "statements-after-exclusive-lock",
    severity: Severity::Warning,
    summary: "Slow work runs while an ACCESS EXCLUSIVE lock is held",
    explanation: Explanation {
        what: "Flags a step that scans, rewrites, builds an index or changes rows, in a transaction that already holds an ACCESS EXCLUSIVE lock on an existing table.",
        why: "Locks are held until the transaction commits. Whatever runs after an ACCESS EXCLUSIVE lock is taken keeps that table unreadable for its whole duration.",
        example: "op.add_column('account', sa.Column('note', sa.Text()))\nop.execute('UPDATE event SET kind = 1')",
        instead: "Put the slow step in its own revision (with `transaction_per_migration=True`), or before the lock.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Carried {
        part: check,
        end: super::nothing_at_end,
    },
};

/// The transaction that holds an ACCESS EXCLUSIVE lock, and its table.
type Held = Option<(usize, String)>;

fn check(cx: &Subject<'_>, memory: &mut Memory, out: &mut Vec<Flag>) {
    let held = memory.get::<Held>();
    // Outside a transaction a lock ends with its statement.
    for step in cx.existing().filter(|step| step.in_transaction) {
        let taken = locks(step, cx.settings);
        if let Some((transaction, table)) = &*held
            && *transaction == step.transaction
            && let Some(slow) = taken.iter().find(|l| l.work.slow())
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{table}` is locked ACCESS EXCLUSIVE until commit while this {}",
                    slow.work.describe()
                ),
            ));
        }
        if held.as_ref().is_none_or(|(t, _)| *t != step.transaction)
            && let Some(lock) = taken.iter().find(|l| l.mode == LockMode::AccessExclusive)
        {
            *held = Some((step.transaction, lock.table.clone()));
        }
    }
}
