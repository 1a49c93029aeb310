//! `drop-column`: Dropping a column loses its data and breaks code that reads it.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "drop-column",
    severity: Severity::Warning,
    summary: "Dropping a column loses its data and breaks code that reads it",
    explanation: Explanation {
        what: "Flags `drop_column` (`DROP COLUMN`) on an existing table.",
        why: "The values are gone (the downgrade adds back an empty column), and application servers still running the old code fail on their next query naming the column.",
        example: "op.drop_column('account', 'legacy_flag')",
        instead: "Remove every use of the column from the code and deploy it first; drop the column in a later release.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::DropColumn { table, column, .. } = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}.{}` and its values are dropped",
                    display(table),
                    column.name
                ),
            ));
        }
    }
}
