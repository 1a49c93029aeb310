//! `add-column-stored-generated`: A stored generated column rewrites the table.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-column-stored-generated",
    severity: Severity::Warning,
    summary: "A stored generated column rewrites the table",
    explanation: Explanation {
        what: "Flags `add_column` of a `sa.Computed(...)` column (`GENERATED ALWAYS AS (…) STORED`) on an existing table.",
        why: "PostgreSQL computes and stores the value for every existing row: the table is rewritten under an ACCESS EXCLUSIVE lock.",
        example: "op.add_column('item', sa.Column('total', sa.Numeric(), sa.Computed('price * qty')))",
        instead: "Add a plain nullable column, fill it with a trigger and a batched backfill; or accept the rewrite in a maintenance window.",
        fix_safety: "No automatic fix: the replacement changes how the value is kept.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::AddColumn { table, column, .. } = step.op
            && column.computed.is_some()
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "generated column `{}.{}`: every row of `{}` is computed and rewritten",
                    display(table),
                    column.name,
                    display(table)
                ),
            ));
        }
    }
}
