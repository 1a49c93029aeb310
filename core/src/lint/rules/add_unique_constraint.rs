//! `add-unique-constraint`: A unique constraint builds its index under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Cx, Hit, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-unique-constraint",
    severity: Severity::Warning,
    summary: "A unique constraint builds its index under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `create_unique_constraint` (`ADD UNIQUE`) on an existing table.",
        why: "PostgreSQL builds the constraint's unique index while holding an ACCESS EXCLUSIVE lock: no reads or writes for the whole build.",
        example: "op.create_unique_constraint('uq_account_email', 'account', ['email'])",
        instead: "Build the index first, concurrently, then attach it:\n\nwith op.get_context().autocommit_block():\n    op.create_index('uq_account_email', 'account', ['email'], unique=True, postgresql_concurrently=True)\nop.execute('ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE USING INDEX uq_account_email')",
        fix_safety: "Safe.",
    },
    check: Check::Steps(check),
};

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for step in cx.existing() {
        if let Op::CreateUniqueConstraint {
            table, constraint, ..
        } = step.op
        {
            out.push(Hit::new(
                step.span,
                format!(
                    "unique constraint {}on `{}` builds its index while reads and writes wait",
                    constraint
                        .name
                        .as_deref()
                        .map(|n| format!("`{n}` "))
                        .unwrap_or_default(),
                    display(table)
                ),
            ));
        }
    }
}
