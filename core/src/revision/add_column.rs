//! `op.add_column`: the column, and what its `Column` carries with it.

use crate::op::{Op, Side, TableRef};
use crate::schema::Table;

/// What `op.add_column(table, Column(...))` runs, as Alembic's
/// `add_column` does it: the column, then each constraint its `Column`
/// carries into the one-column table (`ForeignKey(...)` → `ADD FOREIGN
/// KEY`, `unique=True` → `ADD UNIQUE`, a `CheckConstraint`), then its
/// indexes (`index=True`). A `CheckConstraint` is kept inline by Alembic
/// (`ADD COLUMN c INTEGER CHECK (c > 0)`); here it is the same constraint
/// added right after, which PostgreSQL checks the same way.
pub(super) fn ops(table: TableRef, read: Table) -> Option<Vec<Op>> {
    let Table {
        name: read_name,
        columns,
        foreign_keys,
        unique_constraints,
        check_constraints,
        indexes,
        ..
    } = read;
    let column = columns.into_iter().next()?;
    let mut ops = vec![Op::AddColumn {
        table: table.clone(),
        column: Box::new(column),
        side: Side::Model,
    }];
    for fk in foreign_keys {
        ops.push(Op::CreateForeignKey {
            table: table.clone(),
            fk: Box::new(fk),
            convention_name: false,
        });
    }
    for constraint in unique_constraints {
        ops.push(Op::CreateUniqueConstraint {
            table: table.clone(),
            constraint,
            convention_name: false,
            side: Side::Model,
        });
    }
    for check in check_constraints {
        ops.push(Op::CreateCheckConstraint {
            table: table.clone(),
            name: check.name,
            sqltext: check.sqltext,
        });
    }
    for mut index in indexes {
        // `index=True` names it after the table it is on.
        index.name = index
            .name
            .map(|name| name.replacen(&read_name, &table.name, 1));
        ops.push(Op::CreateIndex {
            table: table.clone(),
            index: Box::new(index),
            convention_name: false,
        });
    }
    Some(ops)
}
