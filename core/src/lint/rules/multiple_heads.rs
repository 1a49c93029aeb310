//! `multiple-heads`: The history has more than one head.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};

pub const RULE: Rule = Rule {
    id: "multiple-heads",
    severity: Severity::Error,
    summary: "The history has more than one head",
    explanation: Explanation {
        what: "Flags a `versions/` folder whose revision graph has several heads (and no branch labels that declare them).",
        why: "`alembic upgrade head` refuses to run (`Multiple head revisions are present`); usually two branches each added a revision on the same parent.",
        example: "two revisions with down_revision = 'ae1027a6acf'",
        instead: "alembic merge heads -m 'merge'  (a revision whose down_revision names both)",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    // Judged on a whole history: see `lint::history`.
    let _ = (cx, out);
}
