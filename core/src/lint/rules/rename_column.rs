//! `rename-column`: Renaming a column breaks code that still uses the old name.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "rename-column",
    severity: Severity::Warning,
    summary: "Renaming a column breaks code that still uses the old name",
    explanation: Explanation {
        what: "Flags `alter_column(new_column_name=…)` (`RENAME COLUMN`) on an existing table.",
        why: "The rename is instant, but application servers running the previous release query the old name until they are replaced.",
        example: "op.alter_column('account', 'mail', new_column_name='email')",
        instead: "Add the new column, write both, backfill, switch reads, then drop the old column — or accept errors during a deploy with downtime.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::AlterColumn(alter) = step.op
            && let Some(new) = &alter.new_name
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}.{}` is renamed to `{new}`: code still using `{}` fails",
                    display(&alter.table),
                    alter.column,
                    alter.column
                ),
            ));
        }
    }
}
