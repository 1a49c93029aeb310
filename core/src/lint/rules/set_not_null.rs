//! `set-not-null`: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site, keyword_end};
use crate::lint::{Flag, Subject, display};
use crate::op::Command;
use crate::op::Op;
use crate::quote::{ident, py_repr};
use crate::render::sql::table_name;

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
    fix: Some(fix),
    check: Check::Carried {
        part: check,
        end: super::nothing_at_end,
    },
};

/// `CHECK (col IS NOT NULL)` constraints seen so far.
#[derive(Default)]
struct Checks {
    /// Validated: (table, column).
    proven: crate::hash::FastSet<(String, String)>,
    /// Added NOT VALID: the columns of each (table, constraint name).
    not_valid: crate::hash::FastMap<(String, String), Vec<String>>,
}

fn check(cx: &Subject<'_>, memory: &mut Memory, out: &mut Vec<Flag>) {
    let Checks { proven, not_valid } = memory.get::<Checks>();
    for step in &cx.steps {
        match step.op {
            Op::CreateCheckConstraint {
                table,
                name,
                sqltext,
            } => {
                if let Some(column) = not_null_check(sqltext) {
                    if step.not_valid {
                        not_valid
                            .entry((display(table), name.clone().unwrap_or_default()))
                            .or_default()
                            .push(column);
                    } else {
                        proven.insert((display(table), column));
                    }
                }
            }
            Op::Command(Command::ValidateConstraint { table, name }) => {
                let key = (display(table), name.clone());
                if let Some(columns) = not_valid.get(&key) {
                    for column in columns {
                        proven.insert((key.0.clone(), column.clone()));
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
                out.push(Flag::new(
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

/// A `CHECK (col IS NOT NULL)` added `NOT VALID` and validated first, so
/// `SET NOT NULL` skips its scan (PostgreSQL 12 on); the check dropped
/// after.
fn fix(site: &Site<'_>) -> Option<Fix> {
    let Op::AlterColumn(alter) = site.step.op else {
        return None;
    };
    if site.postgres() < 12 {
        return None;
    }
    let statement = site.statement();
    let title = "prove it with a CHECK added NOT VALID and validated first; SET NOT NULL then skips the scan";
    match site.kind {
        MigrationKind::Revision
            if statement.starts_with("op.alter_column(")
                && alter.ty.target.is_none()
                && alter.server_default.target.is_none()
                && alter.new_name.is_none() =>
        {
            let check = fix::not_null_check_name(alter)?;
            let schema = fix::schema_keyword(&alter.table);
            let table = py_repr(&alter.table.name);
            let name = py_repr(&check);
            let create = format!(
                "op.create_check_constraint({name}, {table}, {}{schema}, postgresql_not_valid=True)",
                py_repr(&format!("{} IS NOT NULL", ident(&alter.column)))
            );
            let validate = format!(
                "op.execute({})",
                py_repr(&fix::validate_sql(&alter.table, &check))
            );
            let indent = site.indent()?;
            fix::fix(
                title,
                Applicability::Safe,
                vec![site.replace(format!(
                    "{create}\n{indent}{}\n{indent}{statement}\n{indent}op.drop_constraint({name}, {table}{schema}, type_='check')",
                    fix::autocommit_block(indent, &validate)
                ))],
            )
        }
        MigrationKind::Sql
            if !site.step.in_transaction
                && keyword_end(statement, &["ALTER", "TABLE"]).is_some()
                && !statement.contains(',') =>
        {
            let check = fix::not_null_check_name(alter)?;
            let table = table_name(&alter.table);
            let name = ident(&check);
            fix::fix(
                title,
                Applicability::Safe,
                vec![site.replace(format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({} IS NOT NULL) NOT VALID;\n{};\n{statement};\nALTER TABLE {table} DROP CONSTRAINT {name}",
                    ident(&alter.column),
                    fix::validate_sql(&alter.table, &check)
                ))],
            )
        }
        _ => None,
    }
}
