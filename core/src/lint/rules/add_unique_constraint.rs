//! `add-unique-constraint`: A unique constraint builds its index under an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site};
use crate::lint::{Flag, Subject, display};
use crate::op::Op;
use crate::quote::{ident, py_repr};
use crate::render::sql::table_name;

pub const RULE: Rule = Rule {
    id: "add-unique-constraint",
    severity: Severity::Warning,
    summary: "A unique constraint builds its index under an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `create_unique_constraint` (`ADD UNIQUE`) on an existing table.",
        why: "PostgreSQL builds the constraint's unique index while holding an ACCESS EXCLUSIVE lock: no reads or writes for the whole build.",
        example: "op.create_unique_constraint('uq_account_email', 'account', ['email'])",
        instead: "Build the index first, concurrently, then attach it:\n\nwith op.get_context().autocommit_block():\n    op.create_index('uq_account_email', 'account', ['email'], unique=True, postgresql_concurrently=True)\nop.execute('ALTER TABLE account ADD CONSTRAINT uq_account_email UNIQUE USING INDEX uq_account_email')",
        fix_safety: "Safe.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::CreateUniqueConstraint {
            table, constraint, ..
        } = step.op
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "unique constraint {}on `{}` builds its index while reads and writes wait",
                    constraint
                        .name
                        .as_deref()
                        .map(|n| format!("`{n}` "))
                        .unwrap_or_default(),
                    display(table)
                ),
            ));
        }
    }
}

/// A unique index built `CONCURRENTLY`, then the constraint added `USING`
/// it.
fn fix(site: &Site<'_>) -> Option<Fix> {
    let Op::CreateUniqueConstraint {
        table, constraint, ..
    } = site.step.op
    else {
        return None;
    };
    let statement = site.statement();
    let title = "build a unique index CONCURRENTLY, then add the constraint USING it";
    match site.kind {
        MigrationKind::Revision if statement.starts_with("op.create_unique_constraint(") => {
            let name = constraint
                .name
                .clone()
                .or_else(|| fix::default_name(table, &constraint.columns, "key"))?;
            let columns: Vec<String> = constraint.columns.iter().map(|c| py_repr(c)).collect();
            let index = format!(
                "op.create_index({}, {}, [{}], unique=True{}, postgresql_concurrently=True)",
                py_repr(&name),
                py_repr(&table.name),
                columns.join(", "),
                fix::schema_keyword(table)
            );
            let attach = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                table_name(table),
                ident(&name),
                ident(&name)
            );
            let indent = site.indent()?;
            fix::fix(
                title,
                Applicability::Safe,
                vec![site.replace(format!(
                    "{}\n{indent}op.execute({})",
                    fix::autocommit_block(indent, &index),
                    py_repr(&attach)
                ))],
            )
        }
        MigrationKind::Sql if !site.step.in_transaction && !statement.contains("USING") => {
            let name = constraint.name.as_deref()?;
            let columns: Vec<String> = constraint.columns.iter().map(|c| ident(c)).collect();
            fix::fix(
                title,
                Applicability::Safe,
                vec![site.replace(format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY {} ON {} ({});\nALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                    ident(name),
                    table_name(table),
                    columns.join(", "),
                    table_name(table),
                    ident(name),
                    ident(name)
                ))],
            )
        }
        _ => None,
    }
}
