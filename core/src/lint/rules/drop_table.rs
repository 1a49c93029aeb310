//! `drop-table`: Dropping a table loses its data.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "drop-table",
    severity: Severity::Warning,
    summary: "Dropping a table loses its data",
    explanation: Explanation {
        what: "Flags `drop_table` (`DROP TABLE`) of a table the migration did not create.",
        why: "The data is gone for good (the downgrade recreates an empty table), and any code still reading the table fails at once. DROP TABLE also waits for an ACCESS EXCLUSIVE lock.",
        example: "op.drop_table('legacy_event')",
        instead: "Stop using the table in the application first; deploy; then drop it in a later release, after a backup.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::DropTable { table, .. } = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}` and its rows are dropped",
                    display(&crate::op::TableRef::of(table))
                ),
            ));
        }
    }
}
