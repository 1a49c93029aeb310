//! `rename-table`: Renaming a table breaks code that still uses the old name.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "rename-table",
    severity: Severity::Warning,
    summary: "Renaming a table breaks code that still uses the old name",
    explanation: Explanation {
        what: "Flags `rename_table` (`ALTER TABLE … RENAME TO`) of an existing table.",
        why: "The rename is instant, but every running application server still queries the old name until it is redeployed: errors during the whole rollout.",
        example: "op.rename_table('customer', 'account')",
        instead: "Create the new name as a view (or the old one as a view after the rename), deploy code that uses the new name, then drop the view.",
        fix_safety: "No automatic fix.",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::RenameTable { old, new, .. } = step.op {
            out.push(Flag::new(
                step.span,
                format!("`{old}` is renamed to `{new}`: code still using `{old}` fails"),
            ));
        }
    }
}
