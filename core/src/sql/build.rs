//! The ops an `ALTER TABLE` action stands for, built the same way whichever
//! path read the statement: the quick path ([`super::quick`], from the
//! words) or sqlparser's parsers ([`super::ops`]).

use crate::op::{AlterColumn, Change, Op, Side, SidedColumn, TableRef};
use crate::schema::{Column, SqlType, Table};

/// An `alter_column` that changes nothing yet; what the column was is not
/// known from SQL.
pub(super) fn alter(table: &TableRef, column: &str) -> AlterColumn {
    let unknown = SidedColumn {
        column: Box::new(Column::new(column, SqlType::Named(String::new()))),
        side: Side::Database,
    };
    AlterColumn {
        table: table.clone(),
        column: column.to_string(),
        ty: Change {
            existing: unknown.clone(),
            target: None,
        },
        server_default: Change {
            existing: unknown,
            target: None,
        },
        nullable: Change {
            existing: true,
            target: None,
        },
        comment: Change {
            existing: None,
            target: None,
        },
        autoincrement: None,
        new_name: None,
        using: None,
    }
}

/// An empty table named as `table`, to collect what an `ALTER TABLE`
/// action adds to it.
pub(super) fn scratch(table: &TableRef) -> Table {
    Table {
        schema: table.schema.clone(),
        name: table.name.clone(),
        ..Table::default()
    }
}

/// The ops of an `ADD COLUMN` read onto `scratch`: the column, then the
/// constraints its options declare.
pub(super) fn added_columns(table: &TableRef, mut scratch: Table) -> Vec<Op> {
    let mut ops: Vec<Op> = std::mem::take(&mut scratch.columns)
        .into_iter()
        .map(|column| Op::AddColumn {
            table: table.clone(),
            column: Box::new(column),
            side: Side::Model,
        })
        .collect();
    ops.extend(constraint_ops(table, scratch));
    ops
}

/// The ops a table's constraints stand for when added to an existing table.
pub(super) fn constraint_ops(table: &TableRef, scratch: Table) -> Vec<Op> {
    let mut ops = Vec::new();
    if let Some(pk) = scratch.primary_key {
        ops.push(Op::CreatePrimaryKey {
            table: table.clone(),
            name: pk.name,
            columns: pk.columns,
        });
    }
    for constraint in scratch.unique_constraints {
        ops.push(Op::CreateUniqueConstraint {
            table: table.clone(),
            constraint,
            convention_name: false,
            side: Side::Model,
        });
    }
    for fk in scratch.foreign_keys {
        ops.push(Op::CreateForeignKey {
            table: table.clone(),
            fk: Box::new(fk),
            convention_name: false,
        });
    }
    for check in scratch.check_constraints {
        ops.push(Op::CreateCheckConstraint {
            table: table.clone(),
            name: check.name,
            sqltext: check.sqltext,
        });
    }
    for constraint in scratch.exclude_constraints {
        ops.push(Op::CreateExcludeConstraint {
            table: table.clone(),
            constraint,
        });
    }
    ops
}
