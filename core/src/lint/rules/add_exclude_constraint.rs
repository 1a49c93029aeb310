//! `add-exclude-constraint`: An exclusion constraint builds its index under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-exclude-constraint",
    severity: Severity::Warning,
    summary: "An exclusion constraint builds its index under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `create_exclude_constraint` (`ADD EXCLUDE`) on an existing table.",
        why: "The constraint's index is built, and every row checked, while PostgreSQL holds an ACCESS EXCLUSIVE lock; unlike unique constraints there is no `USING INDEX` way around it.",
        example: "op.create_exclude_constraint('no_overlap', 'booking', ('room', '='), ('during', '&&'), using='gist')",
        instead: "Add it in a maintenance window, or enforce the rule in a trigger until then.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::CreateExcludeConstraint { table, .. } = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "exclusion constraint on `{}` builds its index while reads and writes wait",
                    display(table)
                ),
            ));
        }
    }
}
