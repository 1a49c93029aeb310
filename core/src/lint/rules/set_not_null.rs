//! `set-not-null`: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.

use super::{Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Cx, Hit, display};
use crate::op::Command;
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "set-not-null",
    severity: Severity::Warning,
    summary: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `alter_column(..., nullable=False)` (`ALTER COLUMN … SET NOT NULL`) on an existing table.",
        why: "PostgreSQL checks every row for NULLs while holding an ACCESS EXCLUSIVE lock: no reads, no writes on the table until the scan ends. From PostgreSQL 12 the scan is skipped when a validated `CHECK (col IS NOT NULL)` constraint already proves it.",
        example: "op.alter_column('account', 'plan', nullable=False)",
        instead: "Add `CHECK (plan IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` it in a later revision (a SHARE UPDATE EXCLUSIVE lock, traffic flows), then SET NOT NULL (instant on 12+) and drop the CHECK.",
        fix_safety: "Safe: the constraint steps do not change what the column accepts.",
    },
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    // CHECK (col IS NOT NULL) constraints validated earlier, by name.
    let mut proven: Vec<(String, String)> = Vec::new();
    let mut not_valid: Vec<(String, String, String)> = Vec::new();
    for step in &cx.steps {
        match step.op {
            Op::CreateCheckConstraint {
                table,
                name,
                sqltext,
            } => {
                if let Some(column) = not_null_check(sqltext) {
                    if step.not_valid {
                        not_valid.push((display(table), name.clone().unwrap_or_default(), column));
                    } else {
                        proven.push((display(table), column));
                    }
                }
            }
            Op::Command(Command::ValidateConstraint { table, name }) => {
                for (t, n, column) in &not_valid {
                    if *t == display(table) && n == name {
                        proven.push((t.clone(), column.clone()));
                    }
                }
            }
            Op::AlterColumn(alter) if alter.nullable.target == Some(false) && !step.new_table => {
                let table = display(&alter.table);
                if cx.settings.postgres >= 12
                    && proven.contains(&(table.clone(), alter.column.clone()))
                {
                    continue;
                }
                out.push(Hit::new(
                    step.span,
                    format!(
                        "SET NOT NULL on `{table}.{}` scans every row while reads and writes wait",
                        alter.column
                    ),
                ));
            }
            _ => {}
        }
    }
}

/// The column of a `col IS NOT NULL` condition.
fn not_null_check(sqltext: &str) -> Option<String> {
    let text = sqltext.trim().trim_start_matches('(').trim_end_matches(')');
    let upper = text.to_ascii_uppercase();
    let column = upper
        .strip_suffix(" IS NOT NULL")
        .map(|c| text[..c.len()].trim())?;
    (!column.contains(' ')).then(|| column.trim_matches('"').to_string())
}
