//! `add-check-validating`: A CHECK constraint added without NOT VALID scans the table under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site};
use crate::lint::{Flag, Subject, display};
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
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::CreateCheckConstraint { table, name, .. } = step.op
            && !step.not_valid
        {
            out.push(Flag::new(
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

/// Added `NOT VALID`, then validated after a commit.
fn fix(site: &Site<'_>) -> Option<Fix> {
    let Op::CreateCheckConstraint { table, name, .. } = site.step.op else {
        return None;
    };
    let title = match site.kind {
        MigrationKind::Revision if site.statement().starts_with("op.create_check_constraint(") => {
            "add it NOT VALID, then VALIDATE after a commit"
        }
        MigrationKind::Sql if !site.step.in_transaction => "add it NOT VALID, then VALIDATE",
        _ => return None,
    };
    fix::fix(
        title,
        Applicability::Safe,
        site.not_valid(name.as_deref()?, table)?,
    )
}
