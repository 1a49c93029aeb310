//! `set-not-null`: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site, keyword_end};
use crate::lint::{Flag, Subject, display};
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
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        if let Op::AlterColumn(alter) = step.op
            && alter.nullable.target == Some(false)
            && !step.new_table
            && !(cx.settings.postgres >= 12 && step.proven_not_null)
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "SET NOT NULL on `{}.{}` scans every row while reads and writes wait",
                    display(&alter.table),
                    alter.column
                ),
            ));
        }
    }
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
