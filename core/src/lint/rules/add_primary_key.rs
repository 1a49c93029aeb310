//! `add-primary-key`: A primary key added to an existing table builds its index under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-primary-key",
    severity: Severity::Warning,
    summary: "A primary key added to an existing table builds its index under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `create_primary_key` (`ADD PRIMARY KEY`) on an existing table.",
        why: "PostgreSQL builds the unique index (and checks the columns for NULLs) while holding an ACCESS EXCLUSIVE lock.",
        example: "op.create_primary_key('pk_event', 'event', ['id'])",
        instead: "Create a unique index concurrently, make the columns NOT NULL safely, then `ALTER TABLE event ADD CONSTRAINT pk_event PRIMARY KEY USING INDEX …`.",
        fix_safety: "No automatic fix: the index-first steps need the key's columns NOT NULL first.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::CreatePrimaryKey { table, .. } = step.op {
            out.push(Flag::new(
                step.span,
                format!(
                    "primary key on `{}` builds its index while reads and writes wait",
                    display(table)
                ),
            ));
        }
    }
}
