//! `prefer-text-over-varchar`: Prefer text (or a CHECK) to varchar(n).

use super::column_types;
use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::schema::SqlType;

pub const RULE: Rule = Rule {
    id: "prefer-text-over-varchar",
    severity: Severity::Info,
    summary: "Prefer text (or a CHECK) to varchar(n)",
    explanation: Explanation {
        what: "Flags columns declared `varchar(n)` / `sa.String(length=n)`.",
        why: "In PostgreSQL `varchar(n)` is `text` with a length check that costs the same to store. Raising the limit later is instant, but lowering it rewrites the table, and the limit rarely matches a real rule.",
        example: "sa.Column('name', sa.String(length=50))",
        instead: "`sa.Text()`, with `sa.CheckConstraint('char_length(name) <= 50')` where the limit matters (a CHECK can be added NOT VALID and changed without a rewrite).",
        fix_safety: "No automatic fix: values longer than the old limit become possible.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for (step, column, ty) in column_types(cx) {
        if matches!(ty, SqlType::Varchar { length: Some(_) }) {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}` is {ty}: prefer text with a CHECK on its length",
                    column
                ),
            ));
        }
    }
}
