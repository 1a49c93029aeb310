//! `ban-drop-database`: DROP DATABASE in a migration.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Cx, Hit};
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

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for step in &cx.steps {
        if let Op::Command(Command::DropDatabase { name }) = step.op {
            out.push(Hit::new(step.span, format!("DROP DATABASE {name}")));
        }
    }
}
