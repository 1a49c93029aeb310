//! `invalid-ignore`: An ignore comment that retort cannot follow.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};

pub const RULE: Rule = Rule {
    id: "invalid-ignore",
    severity: Severity::Warning,
    summary: "An ignore comment names an unknown rule, no rule, or gives no reason",
    explanation: Explanation {
        what: "Flags a `retort:` comment that is not `retort: ignore[rule-id, …] -- reason` or `retort: ignore-file[rule-id, …] -- reason`: an unknown or misspelt rule id, an empty list, or a missing reason.",
        why: "A misspelt id suppresses nothing while looking like it does, and an ignore without a reason leaves the next reviewer to guess why a dangerous op was accepted.",
        example: "op.drop_column('users', 'fax')  # retort: ignore[drop-colum]",
        instead: "op.drop_column('users', 'fax')  # retort: ignore[drop-column] -- no release reads users.fax since 4.2",
        fix_safety: "No automatic fix. A well-formed part of the comment still applies (an ignore without a reason still suppresses what it names).",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    // Reported by the ignore pass (`lint::ignore`), which sees the comments.
    let _ = (cx, out);
}
