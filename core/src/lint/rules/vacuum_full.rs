//! `vacuum-full`: VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "vacuum-full",
    severity: Severity::Warning,
    summary: "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `VACUUM FULL`.",
        why: "VACUUM FULL copies the whole table and rebuilds its indexes while nothing can read or write it. It also cannot run inside a transaction.",
        example: "op.execute('VACUUM FULL event')",
        instead: "Plain VACUUM (no exclusive lock), or pg_repack / pg_squeeze to reclaim space online.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        if let Op::Command(Command::Vacuum { full: true, tables }) = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "VACUUM FULL rewrites {} while reads and writes wait",
                    if tables.is_empty() {
                        "every table".to_string()
                    } else {
                        tables.join(", ")
                    }
                ),
            ));
        }
    }
}
