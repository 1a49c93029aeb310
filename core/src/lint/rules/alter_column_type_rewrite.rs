//! `alter-column-type-rewrite`: Changing a column's type rewrites the table unless the cast is binary-coercible.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::locks::type_change_rewrites;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "alter-column-type-rewrite",
    severity: Severity::Error,
    summary: "Changing a column's type rewrites the table unless the cast is binary-coercible",
    explanation: Explanation {
        what: "Flags `alter_column(type_=…)` (`ALTER COLUMN … TYPE`) on an existing table unless the change is one PostgreSQL makes without touching rows: varchar's limit raised or removed, varchar ↔ text, numeric's precision raised at the same scale, timestamp/time/interval precision raised, cidr → inet, timestamp ↔ timestamptz when the session time zone is UTC (PostgreSQL 12+).",
        why: "Any other type change rewrites the whole table and rebuilds its indexes under an ACCESS EXCLUSIVE lock: no reads or writes for the duration.",
        example: "op.alter_column('account', 'id', type_=sa.BigInteger(), existing_type=sa.Integer())",
        instead: "Add a new column of the new type, keep it in sync with a trigger, backfill in batches, then swap the names in one quick revision.",
        fix_safety: "No automatic fix: the swap needs application changes.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        let Op::AlterColumn(alter) = step.op else {
            continue;
        };
        let Some(target) = &alter.ty.target else {
            continue;
        };
        let from = &alter.ty.existing.column.ty;
        let to = &target.column.ty;
        let at = format!("`{}.{}`", display(&alter.table), alter.column);
        match type_change_rewrites(from, to, step.utc, cx.settings.postgres) {
            Some(false) => {}
            Some(true) => out.push(Flag::new(
                step.span,
                format!("{at} changes from {from} to {to}: the table is rewritten while reads and writes wait"),
            )),
            None => out.push(Flag::new(
                step.span,
                format!("{at} changes to {to}; its old type is not known here, so the table may be rewritten while reads and writes wait"),
            )),
        }
    }
}
