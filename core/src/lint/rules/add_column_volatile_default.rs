//! `add-column-volatile-default`: A column added with a volatile default rewrites the table.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::locks::volatile_default;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-column-volatile-default",
    severity: Severity::Warning,
    summary: "A column added with a volatile default rewrites the table",
    explanation: Explanation {
        what: "Flags `add_column` with a `server_default` that calls a volatile function (`gen_random_uuid()`, `random()`, `clock_timestamp()`, `nextval()`…) — and, before PostgreSQL 11, any default.",
        why: "From PostgreSQL 11 a constant default is stored once in the catalog and the column is added instantly. A volatile default must be computed for every row, so PostgreSQL rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock.",
        example: "op.add_column('event', sa.Column('uid', sa.Uuid(), server_default=sa.text('gen_random_uuid()')))",
        instead: "Add the column without a default, set the default in a second step (`alter_column(server_default=…)`, which applies to new rows only), and backfill existing rows in batches.",
        fix_safety: "No automatic fix: existing rows would get their values from a backfill, not from the default; write the steps in Use instead.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::AddColumn { table, column, .. } = step.op
            && let Some(default) = &column.server_default
            && column.identity.is_none()
            && (volatile_default(default) || cx.settings.postgres < 11)
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}.{}` is added with the default `{default}`: every row of `{}` is rewritten",
                    display(table),
                    column.name,
                    display(table)
                ),
            ));
        }
    }
}
