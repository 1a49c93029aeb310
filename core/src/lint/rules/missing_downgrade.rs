//! `missing-downgrade`: The revision cannot be downgraded.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::revision::Body;

pub const RULE: Rule = Rule {
    id: "missing-downgrade",
    severity: Severity::Warning,
    summary: "The revision cannot be downgraded",
    explanation: Explanation {
        what: "Flags a revision whose upgrade does something while its `downgrade()` is missing, only `pass`, or raises `NotImplementedError`.",
        why: "A release that must be rolled back cannot be: `alembic downgrade` either fails or silently leaves the schema as it was, out of step with the code. A downgrade nobody wrote has also never been run.",
        example: "def downgrade():\n    pass",
        instead: "Write the inverse of each op in reverse order, and run upgrade → downgrade → upgrade before merging (retort's simulator does).",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    let Some(revision) = &cx.revision else {
        return;
    };
    if revision.upgrade != Body::Ops {
        return;
    }
    let why = match revision.downgrade {
        Body::Ops => return,
        Body::Empty => "is empty",
        Body::NotImplemented => "raises NotImplementedError",
        Body::Missing => "is missing",
    };
    out.push(Flag::new(
        revision.downgrade_at,
        format!("downgrade() {why}: this revision cannot be rolled back"),
    ));
}
