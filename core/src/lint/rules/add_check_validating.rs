//! `add-check-validating`: A CHECK constraint added without NOT VALID scans the table under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Cx, Hit, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-check-validating",
    severity: Severity::Warning,
    summary: "A CHECK constraint added without NOT VALID scans the table under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `create_check_constraint` (`ADD CHECK`) on an existing table without `postgresql_not_valid=True`.",
        why: "PostgreSQL verifies every existing row while it holds an ACCESS EXCLUSIVE lock: no reads or writes until the scan ends.",
        example: "op.create_check_constraint('ck_price_positive', 'item', 'price > 0')",
        instead: "`op.create_check_constraint(..., postgresql_not_valid=True)`, then `VALIDATE CONSTRAINT` in a later revision.",
        fix_safety: "Safe.",
    },
    check: Check::Steps(check),
};

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for step in cx.existing() {
        if let Op::CreateCheckConstraint { table, name, .. } = step.op
            && !step.not_valid
        {
            out.push(Hit::new(
                step.span,
                format!(
                    "CHECK {}on `{}` is validated as it is added: reads and writes wait for the scan",
                    name.as_deref().map(|n| format!("`{n}` ")).unwrap_or_default(),
                    display(table)
                ),
            ));
        }
    }
}
