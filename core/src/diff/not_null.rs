//! What the NOT NULL patterns share: a column filled for the rows that
//! exist ([`Backfill`], the type's empty value), and NOT NULL proven by a
//! validated CHECK before `SET NOT NULL` — revision 3/3 of the upgrade's
//! chain ([`super::plan`]) and safe mode's downgrades ([`super::safe`]).

use super::*;
use crate::op::Command;

/// A `NOT NULL` column added to an existing table without a server default
/// fails on a table with rows. Safe mode splits it the way the SOP says:
/// add it nullable, backfill, then set `NOT NULL` — three revisions.
#[derive(Debug, Clone, PartialEq)]
pub struct Backfill {
    pub table: TableRef,
    pub column: String,
    /// The SQL that fills existing rows.
    pub expression: String,
    /// Whether the user gave it (`false`: the type's empty value).
    pub given: bool,
}

/// Revision 3/3: each column `SET NOT NULL` without the scan under
/// ACCESS EXCLUSIVE (PostgreSQL 12 and later): a `CHECK (col IS NOT
/// NULL)` added `NOT VALID` (a catalog change), validated in an
/// autocommit block (SHARE UPDATE EXCLUSIVE: traffic flows), which lets
/// `SET NOT NULL` skip its scan, then dropped. And the downgrade, which
/// makes the columns nullable again.
pub(super) fn set_not_null(
    fills: &[Backfill],
    after_db: &Schema,
    note: &'static str,
) -> (Vec<Op>, Vec<Op>) {
    let mut checks = Vec::new();
    let mut validates = Vec::new();
    let mut alters = Vec::new();
    let mut drops = Vec::new();
    for f in fills {
        let Some(column) = after_db
            .table(f.table.schema.as_deref(), &f.table.name)
            .and_then(|t| t.column(&f.column))
        else {
            continue;
        };
        let stored = SidedColumn {
            column: Box::new(column.clone()),
            side: Side::Database,
        };
        alters.push(Op::Noted {
            note,
            op: Box::new(Op::AlterColumn(Box::new(AlterColumn {
                table: f.table.clone(),
                column: f.column.clone(),
                ty: Change {
                    existing: stored.clone(),
                    target: None,
                },
                server_default: Change {
                    existing: stored,
                    target: None,
                },
                nullable: Change {
                    existing: true,
                    target: Some(false),
                },
                comment: Change {
                    existing: column.comment.clone(),
                    target: None,
                },
                autoincrement: None,
                new_name: None,
                using: None,
            }))),
        });
        let Some(name) = crate::naming::not_null_check_name(&f.table.name, &f.column) else {
            continue;
        };
        let sqltext = format!("{} IS NOT NULL", crate::quote::ident(&f.column));
        checks.push(Op::NotValid(Box::new(Op::CreateCheckConstraint {
            table: f.table.clone(),
            name: Some(name.clone()),
            sqltext: sqltext.clone(),
        })));
        validates.push(Op::Command(Command::ValidateConstraint {
            table: f.table.clone(),
            name: name.clone(),
        }));
        drops.push(Op::DropConstraint {
            table: f.table.clone(),
            name: Some(name),
            kind: Some("check".into()),
            check: Some(sqltext),
        });
    }
    let unset = alters.iter().rev().map(Op::inverse).collect();
    let mut upgrade = Vec::new();
    if let Some(first) = checks.first_mut() {
        *first = Op::Noted {
            note: NOT_NULL_CHECK_NOTE,
            op: Box::new(first.clone()),
        };
        upgrade.extend(checks);
        upgrade.push(Op::AutocommitBlock(validates));
    }
    upgrade.extend(alters);
    upgrade.extend(drops);
    (upgrade, unset)
}

pub(super) const NOT_NULL_CHECK_NOTE: &str = "prove NOT NULL with a CHECK first (added NOT VALID, validated while traffic flows): SET NOT NULL then skips its scan under ACCESS EXCLUSIVE (PostgreSQL 12+)";

pub(super) fn needs_backfill(column: &crate::schema::Column) -> bool {
    !column.nullable
        && column.server_default.is_none()
        && column.identity.is_none()
        && column.computed.is_none()
}

pub(super) fn qualified(table: &TableRef) -> String {
    match &table.schema {
        Some(schema) => format!("{schema}.{}", table.name),
        None => table.name.clone(),
    }
}

/// A value every type has, for rows that existed before the column.
pub(super) fn empty_value(ty: &SqlType, schema: &Schema) -> String {
    match ty {
        SqlType::SmallInt
        | SqlType::Integer
        | SqlType::BigInt
        | SqlType::Numeric { .. }
        | SqlType::Float { .. }
        | SqlType::Real
        | SqlType::DoublePrecision
        | SqlType::Money
        | SqlType::Oid => "0".into(),
        SqlType::Boolean => "false".into(),
        SqlType::Timestamp { .. } | SqlType::Time { .. } => "now()".into(),
        SqlType::Date => "CURRENT_DATE".into(),
        SqlType::Interval { .. } => "'0'::interval".into(),
        SqlType::Json | SqlType::Jsonb => "'{}'".into(),
        SqlType::Uuid => "gen_random_uuid()".into(),
        SqlType::Array { .. } => "'{}'".into(),
        SqlType::Enum { schema: s, name } => schema
            .enums
            .iter()
            .find(|e| &e.name == name && &e.schema == s)
            .and_then(|e| e.values.first())
            .map_or_else(|| "NULL".into(), |v| format!("'{}'", v.replace('\'', "''"))),
        SqlType::Bytea => "''::bytea".into(),
        _ => "''".into(),
    }
}
