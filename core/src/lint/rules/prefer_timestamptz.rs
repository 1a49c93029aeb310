//! `prefer-timestamptz`: Prefer timestamp with time zone.

use super::column_types;
use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::schema::SqlType;

pub const RULE: Rule = Rule {
    id: "prefer-timestamptz",
    severity: Severity::Info,
    summary: "Prefer timestamp with time zone",
    explanation: Explanation {
        what: "Flags columns of type `timestamp` without time zone (`sa.DateTime()` without `timezone=True`).",
        why: "`timestamp without time zone` stores a wall-clock reading with no zone: the same instant written from two servers in different zones compares wrong, and daylight-saving changes make values ambiguous. `timestamptz` stores an instant.",
        example: "sa.Column('created_at', sa.DateTime())",
        instead: "sa.Column('created_at', sa.DateTime(timezone=True))",
        fix_safety: "No automatic fix: existing values are read in the session's time zone when converted.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for (step, column, ty) in column_types(cx) {
        if matches!(
            ty,
            SqlType::Timestamp {
                timezone: false,
                ..
            }
        ) {
            out.push(Flag::new(
                step.span,
                format!("`{column}` is timestamp without time zone: prefer timestamptz"),
            ));
        }
    }
}
