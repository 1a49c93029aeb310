//! `set-logged-unlogged`: SET LOGGED / SET UNLOGGED rewrites the table.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "set-logged-unlogged",
    severity: Severity::Warning,
    summary: "SET LOGGED / SET UNLOGGED rewrites the table",
    explanation: Explanation {
        what: "Flags `ALTER TABLE … SET LOGGED` and `SET UNLOGGED`.",
        why: "Both rewrite the whole table under an ACCESS EXCLUSIVE lock (SET LOGGED also writes it all to the WAL). An UNLOGGED table is emptied after a crash and is not replicated.",
        example: "op.execute('ALTER TABLE event SET UNLOGGED')",
        instead: "Do it in a maintenance window, or create the table with the right setting.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        if let Op::Command(Command::SetLogged { table, logged }) = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "SET {} rewrites `{}` while reads and writes wait",
                    if *logged { "LOGGED" } else { "UNLOGGED" },
                    display(table)
                ),
            ));
        }
    }
}
