//! `validate-in-same-transaction`: VALIDATE CONSTRAINT in the transaction that added it NOT VALID keeps the strong lock.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Severity;
use crate::lint::fix::{Fix, Site};
use crate::lint::{Flag, Subject, display};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "validate-in-same-transaction",
    severity: Severity::Warning,
    summary: "VALIDATE CONSTRAINT in the transaction that added it NOT VALID keeps the strong lock",
    explanation: Explanation {
        what: "Flags `ALTER TABLE … VALIDATE CONSTRAINT` in the same transaction as the `NOT VALID` addition of that constraint.",
        why: "Adding the constraint took a strong lock (ACCESS EXCLUSIVE for CHECK, SHARE ROW EXCLUSIVE for foreign keys) that is held until commit; validating in the same transaction scans the table under it, which is what NOT VALID was meant to avoid.",
        example: "op.create_check_constraint('ck', 'item', 'price > 0', postgresql_not_valid=True)\nop.execute('ALTER TABLE item VALIDATE CONSTRAINT ck')",
        instead: "Validate in the next revision (each revision commits on its own with `transaction_per_migration=True`), or after an `autocommit_block()`.",
        fix_safety: "Safe.",
    },
    fix: Some(fix),
    check: Check::Carried {
        part: check,
        end: super::nothing_at_end,
    },
};

/// The constraints added NOT VALID so far: transaction, table, name.
type Added = crate::hash::FastSet<(usize, String, String)>;

fn check(cx: &Subject<'_>, memory: &mut Memory, out: &mut Vec<Flag>) {
    let added = memory.get::<Added>();
    for step in &cx.steps {
        match step.op {
            Op::CreateCheckConstraint {
                table,
                name: Some(name),
                ..
            } if step.not_valid => {
                added.insert((step.transaction, display(table), name.clone()));
            }
            Op::CreateForeignKey { table, fk, .. } if step.not_valid => {
                if let Some(name) = &fk.name {
                    added.insert((step.transaction, display(table), name.clone()));
                }
            }
            Op::Command(Command::ValidateConstraint { table, name })
                if step.in_transaction
                    && added.contains(&(step.transaction, display(table), name.clone())) =>
            {
                out.push(Flag::new(
                    step.span,
                    format!("`{name}` is validated in the transaction that added it: the lock taken to add it is still held"),
                ));
            }
            _ => {}
        }
    }
}

/// The `VALIDATE` moved into an autocommit block (after a commit).
fn fix(site: &Site<'_>) -> Option<Fix> {
    site.in_autocommit_block()
}
