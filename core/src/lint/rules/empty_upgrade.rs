//! `empty-upgrade`: The revision's upgrade does nothing.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::revision::Body;

pub const RULE: Rule = Rule {
    id: "empty-upgrade",
    severity: Severity::Warning,
    summary: "The revision's upgrade does nothing",
    explanation: Explanation {
        what: "Flags a revision (other than a merge) whose `upgrade()` is missing or only `pass`.",
        why: "Usually an autogenerate run that found no change — or one whose models were not imported into `target_metadata`. It adds a revision to the history that does nothing.",
        example: "def upgrade():\n    pass",
        instead: "Delete the revision, or check that env.py imports every model.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    let Some(revision) = &cx.revision else {
        return;
    };
    if revision.merge {
        return;
    }
    let why = match revision.upgrade {
        Body::Empty => "is empty",
        Body::Missing => "is missing",
        _ => return,
    };
    out.push(Flag::new(revision.upgrade_at, format!("upgrade() {why}")));
}
