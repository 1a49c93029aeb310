//! `ban-drop-database`: DROP DATABASE in a migration.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "ban-drop-database",
    severity: Severity::Error,
    summary: "DROP DATABASE in a migration",
    explanation: Explanation {
        what: "Flags `DROP DATABASE`.",
        why: "Nothing a schema migration should do; it destroys every table at once.",
        example: "op.execute('DROP DATABASE staging')",
        instead: "Do it by hand, deliberately, outside migrations.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        if let Op::Command(Command::DropDatabase { name }) = step.op {
            out.push(Flag::new(step.span, format!("DROP DATABASE {name}")));
        }
    }
}
