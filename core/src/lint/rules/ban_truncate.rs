//! `ban-truncate`: TRUNCATE in a migration deletes every row.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "ban-truncate",
    severity: Severity::Error,
    summary: "TRUNCATE in a migration deletes every row",
    explanation: Explanation {
        what: "Flags `TRUNCATE`.",
        why: "A migration runs against production: TRUNCATE empties the table there, with no WHERE and no undo, under an ACCESS EXCLUSIVE lock.",
        example: "op.execute('TRUNCATE event')",
        instead: "Delete the rows you mean in batches (`DELETE … WHERE …`), or move data clean-up out of migrations.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        if let Op::Command(Command::Truncate { tables }) = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "TRUNCATE empties {}",
                    tables.iter().map(display).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
}
