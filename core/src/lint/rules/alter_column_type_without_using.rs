//! `alter-column-type-without-using`: A type change PostgreSQL cannot cast by itself fails without `USING`.

use super::{Check, Explanation, Rule};
use crate::Applicability;
use crate::diagnostic::Severity;
use crate::lint::fix::{self, Fix, Site, with_keyword};
use crate::lint::{Flag, MigrationKind, Subject, display};
use crate::op::Op;
use crate::quote::py_repr;

pub const RULE: Rule = Rule {
    id: "alter-column-type-without-using",
    severity: Severity::Error,
    summary: "A type change PostgreSQL cannot cast by itself fails without USING",
    explanation: Explanation {
        what: "Flags `alter_column(type_=…)` (`ALTER COLUMN … TYPE`) without `postgresql_using` (`USING`) where PostgreSQL has no assignment cast from the old type to the new: a number or a string to a boolean, a string to a number, a date or an enum, one enum type to another.",
        why: "PostgreSQL refuses the statement (`column \"x\" cannot be cast automatically to type boolean`), whether the table has rows or not: the revision fails in production, with everything before it in the transaction undone. Alembic's autogenerate writes such changes without `USING`.",
        example: "op.alter_column('feature', 'enabled', existing_type=sa.Integer(), type_=sa.Boolean())",
        instead: "op.alter_column('feature', 'enabled', existing_type=sa.Integer(), type_=sa.Boolean(), postgresql_using='enabled::BOOLEAN')",
        fix_safety: "Unsafe: `col::TYPE` is PostgreSQL's explicit cast, which fails on a value it cannot convert (`'yes'` to a number); read it, and write your own expression where the values need one.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

/// The conversion the step's type change needs, if it lacks one.
fn missing_using(op: &Op) -> Option<(String, &crate::op::AlterColumn)> {
    let Op::AlterColumn(alter) = op else {
        return None;
    };
    let target = alter.ty.target.as_ref()?;
    if alter.using.is_some() {
        return None;
    }
    let using = crate::diff::needs_using(
        &alter.column,
        &alter.ty.existing.column.ty,
        &target.column.ty,
    )?;
    Some((using, alter))
}

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        let Some((using, alter)) = missing_using(step.op) else {
            continue;
        };
        let (from, to) = (
            &alter.ty.existing.column.ty,
            alter.ty.target.as_ref().map(|t| &t.column.ty),
        );
        let to = to.map(ToString::to_string).unwrap_or_default();
        out.push(Flag::new(
            step.span,
            format!(
                "`{}.{}` changes from {from} to {to}, which PostgreSQL cannot cast by itself: the revision fails (\"cannot be cast automatically\") unless it says how, USING {using}",
                display(&alter.table),
                alter.column
            ),
        ));
    }
}

/// `postgresql_using='col::TYPE'`. (A script does not say a column's old
/// type, so the rule judges revision files only.)
fn fix(site: &Site<'_>) -> Option<Fix> {
    let (using, _) = missing_using(site.step.op)?;
    let statement = site.statement();
    if site.kind != MigrationKind::Revision || !statement.starts_with("op.alter_column(") {
        return None;
    }
    let edit = site.replace(with_keyword(
        statement,
        &format!("postgresql_using={}", py_repr(&using)),
    )?);
    fix::fix(
        format!("convert each value: USING {using}"),
        Applicability::Unsafe,
        vec![edit],
    )
}
