//! `unused-ignore`: An ignore comment names a rule that reports nothing there.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};

pub const RULE: Rule = Rule {
    id: "unused-ignore",
    severity: Severity::Warning,
    summary: "An ignore comment names a rule that reports nothing there",
    explanation: Explanation {
        what: "Flags each rule id in a `retort: ignore[…]` (or `ignore-file[…]`) comment that suppressed no finding: the op it was written for changed, moved, or was fixed.",
        why: "A stale ignore stays silent until someone writes the dangerous op again next to it; then the review says nothing. Ignores should cover exactly what was accepted.",
        example: "op.add_column('users', sa.Column('note', sa.Text(), nullable=True))  # retort: ignore[add-not-null-column-without-default] -- small table",
        instead: "op.add_column('users', sa.Column('note', sa.Text(), nullable=True))",
        fix_safety: "No automatic fix: remove the id (or the comment).",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    // Reported by the ignore pass (`lint::ignore`), which sees the comments.
    let _ = (cx, out);
}
