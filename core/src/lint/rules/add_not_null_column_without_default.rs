//! `add-not-null-column-without-default`: A NOT NULL column without a default fails on a table with rows.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, PLACEHOLDER, Site};
use crate::lint::{Flag, Subject, display};
use crate::op::Op;
use crate::quote::{ident, py_repr};
use crate::render::sql::table_name;
use crate::schema::Autoincrement;

pub const RULE: Rule = Rule {
    id: "add-not-null-column-without-default",
    severity: Severity::Error,
    summary: "A NOT NULL column without a default fails on a table with rows",
    explanation: Explanation {
        what: "Flags `add_column` of a `nullable=False` column with no `server_default` (and no identity or generated value) on a table that already exists.",
        why: "PostgreSQL must give every existing row a value for the new column. With no default that value is NULL, which the NOT NULL constraint refuses: `ERROR: column \"x\" of relation \"t\" contains null values`. The migration passes on an empty development database and fails in production.",
        example: "op.add_column('account', sa.Column('plan', sa.Text(), nullable=False))",
        instead: "The 3-step pattern, one revision each: add the column nullable; backfill it (`UPDATE account SET plan = 'free' WHERE plan IS NULL`, in batches on big tables); then `op.alter_column('account', 'plan', nullable=False)`. Or give it a constant `server_default` (instant from PostgreSQL 11).",
        fix_safety: "Display only: the fix shows the three steps with `<value>` where the backfill goes; that value is a decision about your data (`retort revision --backfill T.C=EXPR` writes the three revisions with it).",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in cx.existing() {
        if let Op::AddColumn { table, column, .. } = step.op
            && !column.nullable
            && column.server_default.is_none()
            && column.identity.is_none()
            && column.computed.is_none()
            && column.autoincrement != Autoincrement::True
        {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}.{}` is added NOT NULL without a default: this fails if `{}` has rows",
                    display(table),
                    column.name,
                    display(table)
                ),
            ));
        }
    }
}

/// In a revision: the column added nullable, with the backfill and the
/// `SET NOT NULL` shown as the revisions of their own they belong in (a
/// pattern with a placeholder: display-only).
fn fix(site: &Site<'_>) -> Option<Fix> {
    let (MigrationKind::Revision, Op::AddColumn { table, column, .. }) = (site.kind, site.step.op)
    else {
        return None;
    };
    let statement = site.statement();
    let nullable = statement.replacen("nullable=False", "nullable=True", 1);
    if nullable == statement {
        return None;
    }
    let indent = site.indent()?;
    let schema = fix::schema_keyword(table);
    let backfill = format!(
        "UPDATE {} SET {} = {PLACEHOLDER} WHERE {} IS NULL",
        table_name(table),
        ident(&column.name),
        ident(&column.name)
    );
    // Steps 2 and 3 in one transaction with step 1 would hold its ACCESS
    // EXCLUSIVE lock through the whole backfill: they are shown as the
    // revisions of their own they belong in.
    fix::fix(
        "add it nullable, backfill, then SET NOT NULL (the 3-step pattern: three revisions)",
        Applicability::DisplayOnly,
        vec![site.replace(format!(
            "{nullable}\n\
             {indent}# retort: then, in a revision of its own (2/3), the backfill, in batches on a big table:\n\
             {indent}#     op.execute({})\n\
             {indent}# retort: and in another (3/3), once every row has a value:\n\
             {indent}#     op.alter_column({}, {}{schema}, nullable=False)",
            py_repr(&backfill),
            py_repr(&table.name),
            py_repr(&column.name)
        ))],
    )
}
