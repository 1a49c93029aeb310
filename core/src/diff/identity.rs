//! A serial column turned identity, and back, in safe mode. PostgreSQL
//! refuses `ADD GENERATED … AS IDENTITY` on a column that has a default
//! (the serial's `nextval`): Alembic's revision fails with "already has a
//! default value". And Alembic's downgrade (`server_default=None`) leaves
//! the identity in place while dropping nothing. Both ways the sequence
//! carries on from the highest value, so the rows that exist keep their
//! keys and new ones do not collide.

use super::*;
use crate::quote::{ident, literal, qualified};

pub(super) const TO_IDENTITY_NOTE: &str = "the serial's sequence default goes first (PostgreSQL refuses an identity on a column with a default: Alembic's revision fails), and the identity carries on from the highest value";

pub(super) const TO_SERIAL_NOTE: &str = "the identity goes, and the serial's sequence comes back as the default, carrying on from the highest value";

/// `op`, or what takes a serial column to an identity (or back) safely.
pub(super) fn serial_and_identity(op: Op) -> Vec<Op> {
    let Op::AlterColumn(mut alter) = op else {
        return vec![op];
    };
    let Some(target) = &alter.server_default.target else {
        return vec![Op::AlterColumn(alter)];
    };
    let existing = &alter.server_default.existing.column;
    let serial = |c: &Column| c.identity.is_none() && c.autoincrement == Autoincrement::True;
    let schema = alter.table.schema.as_deref();
    let table = qualified(schema, &alter.table.name);
    let column = ident(&alter.column);
    // PostgreSQL's name for a serial's sequence.
    let sequence = qualified(
        schema,
        &format!("{}_{}_seq", alter.table.name, alter.column),
    );
    let execute = |sql: String, note: &'static str| Op::Execute {
        sql,
        note,
        undo: String::new(),
        undo_note: "",
    };
    if serial(existing) && target.column.identity.is_some() {
        let setval = format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({column}), 0) + 1, false) FROM {table}",
            literal(&table),
            literal(&alter.column)
        );
        return vec![
            execute(
                format!("ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"),
                TO_IDENTITY_NOTE,
            ),
            execute(format!("DROP SEQUENCE IF EXISTS {sequence}"), ""),
            Op::AlterColumn(alter),
            execute(setval, ""),
        ];
    }
    if existing.identity.is_some() && serial(&target.column) {
        let mut ops = vec![
            execute(
                format!("ALTER TABLE {table} ALTER COLUMN {column} DROP IDENTITY"),
                TO_SERIAL_NOTE,
            ),
            execute(
                format!("CREATE SEQUENCE {sequence} OWNED BY {table}.{column}"),
                "",
            ),
            execute(
                format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT nextval({}::regclass)",
                    literal(&sequence)
                ),
                "",
            ),
            execute(
                format!(
                    "SELECT setval({}, coalesce(max({column}), 0) + 1, false) FROM {table}",
                    literal(&sequence)
                ),
                "",
            ),
        ];
        // Whatever else the alter_column changes stays with it.
        alter.server_default.target = None;
        if alter.has_changes() {
            ops.push(Op::AlterColumn(alter));
        }
        return ops;
    }
    vec![Op::AlterColumn(alter)]
}
