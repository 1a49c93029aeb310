//! `add-not-null-column-without-default`: A NOT NULL column without a default fails on a table with rows.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Cx, Hit, display};
use crate::op::Op;
use crate::schema::Autoincrement;

pub const RULE: Rule = Rule {
    id: "add-not-null-column-without-default",
    severity: Severity::Error,
    summary: "A NOT NULL column without a default fails on a table with rows",
    explanation: Explanation {
        what: "Flags `add_column` of a `nullable=False` column with no `server_default` (and no identity or generated value) on a table that already exists.",
        why: "PostgreSQL must give every existing row a value for the new column. With no default that value is NULL, which the NOT NULL constraint refuses: `ERROR: column \"x\" of relation \"t\" contains null values`. The migration passes on an empty development database and fails in production.",
        example: "op.add_column('account', sa.Column('plan', sa.Text(), nullable=False))",
        instead: "The 3-step pattern, one revision each: add the column nullable; backfill it (`UPDATE account SET plan = 'free' WHERE plan IS NULL`, in batches on big tables); then `op.alter_column('account', 'plan', nullable=False)`. Or give it a constant `server_default` (instant from PostgreSQL 11).",
        fix_safety: "Display only: the fix shows the three steps with `<value>` where the backfill goes; that value is a decision about your data (`retort revision --backfill T.C=EXPR` writes the three revisions with it).",
    },
    check: Check::Steps(check),
};

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for step in cx.existing() {
        if let Op::AddColumn { table, column, .. } = step.op
            && !column.nullable
            && column.server_default.is_none()
            && column.identity.is_none()
            && column.computed.is_none()
            && column.autoincrement != Autoincrement::True
        {
            out.push(Hit::new(
                step.span,
                format!(
                    "`{}.{}` is added NOT NULL without a default: this fails if `{}` has rows",
                    display(table),
                    column.name,
                    display(table)
                ),
            ));
        }
    }
}
