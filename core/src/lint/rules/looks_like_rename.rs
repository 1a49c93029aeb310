//! `looks-like-rename`: A column or table dropped and another added alike looks like a rename that loses the data.

use super::{Check, Explanation, Rule};
use crate::diagnostic::{Applicability, Severity};
use crate::lint::fix::{self, Fix, Site};
use crate::lint::{Flag, MigrationKind, Step, Subject, display};
use crate::op::{Command, Op, TableRef};
use crate::quote::py_repr;
use crate::schema::{Column, Table};

pub const RULE: Rule = Rule {
    id: "looks-like-rename",
    severity: Severity::Warning,
    summary: "A column or table dropped and another added alike looks like a rename that loses the data",
    explanation: Explanation {
        what: "Flags, in a revision that neither copies nor empties the table's rows itself (an `UPDATE`, `DELETE` or `TRUNCATE` of it, or code retort does not read), a `drop_column` whose column (as the downgrade adds it back) has the type and nullability of a column `add_column` adds to the same table; and a `drop_table` whose table (as the downgrade creates it) has the columns of a table `create_table` creates in the same schema.",
        why: "Alembic's autogenerate cannot tell a rename from a drop and an add, and writes the drop and the add. Run as written, every value of the old column (or every row of the old table) is lost, and the new one starts empty.",
        example: "op.add_column('account', sa.Column('email_address', sa.String(255)))\nop.drop_column('account', 'email')",
        instead: "op.alter_column('account', 'email', new_column_name='email_address') (and `op.rename_table('old', 'new')` for a table), with the inverse in downgrade(). Renames are instant, but code still using the old name breaks: deploy the code that reads both names first (expand and contract).",
        fix_safety: "Unsafe: it changes what the migration does (the data is kept); only right when it is a rename.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

/// A dropped column and the added column it looks like: the upgrade's
/// drop and add steps, and the downgrade's add and drop steps (when the
/// downgrade is Alembic's inverse).
struct ColumnRename<'s, 'a> {
    table: &'a TableRef,
    old: &'a Column,
    new: &'a Column,
    add: &'s Step<'a>,
    down_add: &'s Step<'a>,
    down_drop: Option<&'s Step<'a>>,
}

/// Whether the upgrade looks after the table's rows itself: it writes or
/// empties them (an `UPDATE` that copies the values over, a `DELETE` or
/// `TRUNCATE` that leaves none to lose), under this name or the one it
/// was renamed from, or runs code retort does not read (a copy in a loop).
fn rows_handled(cx: &Subject<'_>, table: &TableRef) -> bool {
    let mut names = vec![table.name.as_str()];
    for step in &cx.steps {
        if let Op::RenameTable { old, new, .. } = step.op
            && names.contains(&new.as_str())
        {
            names.push(old);
        }
    }
    cx.steps.iter().any(|step| match step.op {
        Op::Unread { .. } => true,
        Op::Command(Command::Dml {
            table: Some(t),
            verb,
        }) => *verb != "INSERT" && names.contains(&t.name.as_str()),
        Op::Command(Command::Dml { table: None, .. }) => true,
        Op::Command(Command::Truncate { tables }) => {
            tables.iter().any(|t| names.contains(&t.name.as_str()))
        }
        _ => false,
    })
}

fn column_renames<'s, 'a>(cx: &'s Subject<'a>) -> Vec<(&'s Step<'a>, ColumnRename<'s, 'a>)> {
    let mut taken: Vec<&str> = Vec::new();
    let mut found = Vec::new();
    for drop in cx.existing() {
        let Op::DropColumn { table, column, .. } = drop.op else {
            continue;
        };
        if rows_handled(cx, table) {
            continue;
        }
        // The dropped column as the downgrade adds it back: its type.
        let Some((down_add, old)) = cx.downgrade.iter().find_map(|s| match s.op {
            Op::AddColumn {
                table: t,
                column: c,
                ..
            } if t == table && c.name == column.name => Some((s, &**c)),
            _ => None,
        }) else {
            continue;
        };
        let added = cx.steps.iter().find_map(|s| match s.op {
            Op::AddColumn {
                table: t,
                column: c,
                ..
            } if t == table
                && c.name != old.name
                && c.ty == old.ty
                && c.nullable == old.nullable
                && !taken.contains(&c.name.as_str()) =>
            {
                Some((s, &**c))
            }
            _ => None,
        });
        let Some((add, new)) = added else {
            continue;
        };
        taken.push(&new.name);
        let down_drop = cx.downgrade.iter().find(|s| {
            matches!(s.op, Op::DropColumn { table: t, column: c, .. } if t == table && c.name == new.name)
        });
        found.push((
            drop,
            ColumnRename {
                table,
                old,
                new,
                add,
                down_add,
                down_drop,
            },
        ));
    }
    found
}

/// A dropped table's columns: names, types, nullability.
fn shape(table: &Table) -> Vec<(&str, &crate::schema::SqlType, bool)> {
    table
        .columns
        .iter()
        .map(|c| (c.name.as_str(), &c.ty, c.nullable))
        .collect()
}

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for (drop, rename) in column_renames(cx) {
        out.push(Flag::new(
            drop.span,
            format!(
                "`{}.{}` is dropped and `{}` added with the same type: if it is a rename, every value of `{}` is lost",
                display(rename.table),
                rename.old.name,
                rename.new.name,
                rename.old.name
            ),
        ));
    }
    for drop in cx.existing() {
        let Op::DropTable { table, .. } = drop.op else {
            continue;
        };
        if rows_handled(cx, &TableRef::of(table)) {
            continue;
        }
        let old = cx.downgrade.iter().find_map(|s| match s.op {
            Op::CreateTable { table: t, .. }
                if t.name == table.name && t.schema == table.schema =>
            {
                Some(t)
            }
            _ => None,
        });
        let Some(old) = old else {
            continue;
        };
        let new = cx.steps.iter().find_map(|s| match s.op {
            Op::CreateTable { table: t, .. }
                if t.name != old.name && t.schema == old.schema && shape(t) == shape(old) =>
            {
                Some(t)
            }
            _ => None,
        });
        if let Some(new) = new {
            out.push(Flag::new(
                drop.span,
                format!(
                    "table `{}` is dropped and `{}` created with the same columns: if it is a rename, every row is lost (op.rename_table({}, {}) keeps them)",
                    old.qualified_name(),
                    new.qualified_name(),
                    py_repr(&old.name),
                    py_repr(&new.name)
                ),
            ));
        }
    }
}

/// The drop becomes `alter_column(new_column_name=…)` and the add goes,
/// in the upgrade and, inverted, in the downgrade.
fn fix(site: &Site<'_>) -> Option<Fix> {
    if site.kind != MigrationKind::Revision
        || !site.statement().starts_with("op.drop_column(")
        || site.cx.revision.as_ref()?.downgrade != crate::revision::Body::Ops
    {
        return None;
    }
    let (_, rename) = column_renames(site.cx)
        .into_iter()
        .find(|(drop, _)| drop.span == site.step.span)?;
    let down_drop = rename.down_drop?;
    // A rename keeps the old column's default and comment: only where the
    // new one has the same.
    let plain = |c: &Column| c.server_default.is_none() && c.comment.is_none();
    if !plain(rename.old) || !plain(rename.new) {
        return None;
    }
    let starts = |step: &Step<'_>, call: &str| site.text_at(step.span).starts_with(call);
    if !starts(rename.add, "op.add_column(")
        || !starts(rename.down_add, "op.add_column(")
        || !starts(down_drop, "op.drop_column(")
    {
        return None;
    }
    let schema = fix::schema_keyword(rename.table);
    let alter = |from: &str, to: &str| {
        format!(
            "op.alter_column({}, {}, new_column_name={}{schema})",
            py_repr(&rename.table.name),
            py_repr(from),
            py_repr(to)
        )
    };
    let mut edits = vec![
        site.replace(alter(&rename.old.name, &rename.new.name)),
        site.remove_other(rename.add.span)?,
        site.replace_other(down_drop.span, alter(&rename.new.name, &rename.old.name)),
        site.remove_other(rename.down_add.span)?,
    ];
    edits.sort_by_key(|e| e.span.start);
    if edits.windows(2).any(|w| w[0].span.end > w[1].span.start) {
        return None;
    }
    fix::fix(
        format!(
            "rename `{}` to `{}` instead (the values are kept)",
            rename.old.name, rename.new.name
        ),
        Applicability::Unsafe,
        edits,
    )
}
