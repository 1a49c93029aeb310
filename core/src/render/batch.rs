//! `render_as_batch=True`: each existing table's run of ops inside
//! `with op.batch_alter_table(...) as batch_op:`, each op as Alembic writes
//! it there (without the table, `batch_op.f()` names).

use super::*;

/// The table an op works on inside `batch_alter_table`, for the ops
/// Alembic batches (not creating or dropping the table itself, nor
/// retort's own additions).
pub(super) fn batch_table(op: &Op) -> Option<&TableRef> {
    match op {
        Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::DropIndex { table, .. }
        | Op::CreateUniqueConstraint { table, .. }
        | Op::DropUniqueConstraint { table, .. }
        | Op::CreateForeignKey { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::CreateTableComment { table, .. }
        | Op::DropTableComment { table, .. } => Some(table),
        Op::AlterColumn(alter) => Some(&alter.table),
        _ => None,
    }
}

/// `name_repr` inside a batch: `batch_op.f('name')`.
pub(super) fn batch_name(name: Option<&str>, convention: bool) -> String {
    match name {
        Some(n) if convention => format!("batch_op.f({})", py_repr(n)),
        other => name_repr(other, false),
    }
}

/// An op as `batch_op.<op>(...)`: Alembic's text without the table (and
/// schema) the `with` block names.
pub(super) fn batch_op(op: &Op, ctx: &RenderOptions<'_>) -> String {
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|c| py_repr(c)).collect();
        format!("[{}]", quoted.join(", "))
    };
    match op {
        Op::AddColumn { column, side, .. } => {
            format!("batch_op.add_column({})", render_column(column, *side, ctx))
        }
        Op::DropColumn { column, .. } => format!("batch_op.drop_column({})", py_repr(&column.name)),
        Op::AlterColumn(alter) => {
            let unscoped = AlterColumn {
                table: TableRef {
                    schema: None,
                    name: alter.table.name.clone(),
                },
                ..(**alter).clone()
            };
            let text = alter_column(&unscoped, ctx);
            let head = format!("op.alter_column({}, ", py_repr(&alter.table.name));
            match text.strip_prefix(&head) {
                Some(rest) => format!("batch_op.alter_column({rest}"),
                None => text,
            }
        }
        Op::CreateIndex {
            index,
            convention_name,
            ..
        } => format!(
            "batch_op.create_index({}, [{}], unique={}{})",
            batch_name(index.name.as_deref(), *convention_name),
            index_elements(index),
            if index.unique { "True" } else { "False" },
            index_options(index)
        ),
        Op::DropIndex {
            index,
            convention_name,
            ..
        } => format!(
            "batch_op.drop_index({}{})",
            batch_name(index.name.as_deref(), *convention_name),
            index_options(index)
        ),
        Op::CreateUniqueConstraint {
            constraint,
            convention_name,
            side,
            ..
        } => format!(
            "batch_op.create_unique_constraint({}, {}{})",
            batch_name(constraint.name.as_deref(), *convention_name),
            list(&constraint.columns),
            if *side == Side::Database {
                ", postgresql_nulls_not_distinct=False"
            } else {
                ""
            }
        ),
        Op::DropUniqueConstraint {
            constraint,
            convention_name,
            ..
        } => format!(
            "{}batch_op.drop_constraint({}, type_='unique')",
            unnamed_warning(constraint.name.as_deref()),
            batch_name(constraint.name.as_deref(), *convention_name)
        ),
        Op::CreateForeignKey {
            fk,
            convention_name,
            ..
        } => {
            let mut args = vec![
                batch_name(fk.name.as_deref(), *convention_name),
                py_repr(&fk.referred_table),
                list(&fk.columns),
                list(&fk.referred_columns),
            ];
            if let Some(schema) = &fk.referred_schema {
                args.push(format!("referent_schema={}", py_repr(schema)));
            }
            args.extend(fk_options(fk));
            format!("batch_op.create_foreign_key({})", args.join(", "))
        }
        Op::DropForeignKey {
            fk,
            convention_name,
            ..
        } => format!(
            "{}batch_op.drop_constraint({}, type_='foreignkey')",
            unnamed_warning(fk.name.as_deref()),
            batch_name(fk.name.as_deref(), *convention_name)
        ),
        Op::CreateTableComment {
            comment, existing, ..
        } => format!(
            "batch_op.create_table_comment(\n    {},\n    existing_comment={}\n)",
            py_repr(comment),
            existing.as_deref().map_or("None".to_string(), py_repr)
        ),
        Op::DropTableComment { existing, .. } => format!(
            "batch_op.drop_table_comment(\n    existing_comment={}\n)",
            py_repr(existing)
        ),
        other => render_op(other, ctx),
    }
}
