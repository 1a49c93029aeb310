//! `add-foreign-key-validating`: A foreign key added without NOT VALID checks every row while writes wait.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site};
use crate::lint::{Flag, Subject, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "add-foreign-key-validating",
    severity: Severity::Warning,
    summary: "A foreign key added without NOT VALID checks every row while writes wait",
    explanation: Explanation {
        what: "Flags `create_foreign_key` (`ADD FOREIGN KEY`, `ADD COLUMN … REFERENCES`) on an existing table without `postgresql_not_valid=True`.",
        why: "Adding a foreign key takes SHARE ROW EXCLUSIVE locks on both tables and checks every existing row against the referenced table before it commits: writes to both tables wait for the whole scan.",
        example: "op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id'])",
        instead: "Add it `NOT VALID` (new rows are checked at once), then validate it in a later revision: `op.execute('ALTER TABLE event VALIDATE CONSTRAINT fk_event_account')` takes only a SHARE UPDATE EXCLUSIVE lock.",
        fix_safety: "Safe: the constraint ends up the same once validated.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::CreateForeignKey { table, fk, .. } = step.op
            && !step.not_valid
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "foreign key {}on `{}` is validated as it is added: writes to `{}` and `{}` wait for the scan",
                    fk.name.as_deref().map(|n| format!("`{n}` ")).unwrap_or_default(),
                    display(table),
                    display(table),
                    fk.referred_table
                ),
            ));
        }
    }
}

/// Added `NOT VALID`, then validated after a commit.
fn fix(site: &Site<'_>) -> Option<Fix> {
    let Op::CreateForeignKey { table, fk, .. } = site.step.op else {
        return None;
    };
    let (title, name) = match site.kind {
        MigrationKind::Revision if site.statement().starts_with("op.create_foreign_key(") => (
            "add it NOT VALID, then VALIDATE after a commit",
            fk.name
                .clone()
                .or_else(|| fix::default_name(table, &fk.columns, "fkey"))?,
        ),
        MigrationKind::Sql if !site.step.in_transaction => {
            ("add it NOT VALID, then VALIDATE", fk.name.clone()?)
        }
        _ => return None,
    };
    fix::fix(title, Applicability::Safe, site.not_valid(&name, table)?)
}
