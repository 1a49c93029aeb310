//! `prefer-jsonb-over-json`: Prefer jsonb to json.

use super::column_types;
use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::schema::SqlType;

pub const RULE: Rule = Rule {
    id: "prefer-jsonb-over-json",
    severity: Severity::Info,
    summary: "Prefer jsonb to json",
    explanation: Explanation {
        what: "Flags columns of type `json` / `sa.JSON()`.",
        why: "`json` keeps the text as written and re-parses it on every access; it has no equality operator (so no DISTINCT, GROUP BY or unique index) and no GIN indexing. `jsonb` is what almost every application wants.",
        example: "sa.Column('payload', sa.JSON())",
        instead: "sa.Column('payload', postgresql.JSONB())",
        fix_safety: "No automatic fix: jsonb drops duplicate keys and key order.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for (step, column, ty) in column_types(cx) {
        if matches!(ty, SqlType::Json) {
            out.push(Flag::new(
                step.span,
                format!("`{column}` is json: prefer jsonb"),
            ));
        }
    }
}
