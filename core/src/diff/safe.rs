//! Safe mode: what Alembic's revision needs to run on a live database and
//! autogenerate leaves out (schemas, enum types for `add_column`, names for
//! unnamed dropped constraints, `CONCURRENTLY` indexes, enum values, CHECK
//! constraints), each marked with a `# retort:` note.

use super::*;

pub(super) const CHECK_CHANGED_NOTE: &str =
    "Alembic does not compare CHECK constraints: this one's condition changed in the model";

pub(super) const CHECK_REMOVED_NOTE: &str =
    "Alembic does not compare CHECK constraints: this one is gone from the model";

pub(super) const CHECK_ADDED_NOTE: &str =
    "Alembic does not compare CHECK constraints: this one is new in the model";

pub(super) const COLUMN_CHECK_NOTE: &str =
    "Alembic's create_table leaves out CHECK constraints declared on a column";

pub(super) const SCHEMA_NOTE: &str =
    "Alembic does not create schemas; the tables below need this one";

pub(super) const SCHEMA_UNDO_NOTE: &str = "the schema the upgrade created";

pub(super) const NAME_NOTE: &str =
    "Alembic leaves this name None; this is the name PostgreSQL gave it";

/// What Alembic's revision needs to run, added around its ops.
pub(super) fn safe(before: &Schema, after: &Schema, after_db: &Schema, ops: Vec<Op>) -> Migration {
    let before_db = database_form(before);
    let mut upgrade = Vec::new();
    // Schemas the new tables live in that the database does not use yet.
    let mut new_schemas: Vec<String> = after
        .tables
        .iter()
        .filter_map(|t| t.schema.clone())
        .filter(|s| !before.tables.iter().any(|b| b.schema.as_deref() == Some(s)))
        .collect();
    new_schemas.sort();
    new_schemas.dedup();
    for schema in &new_schemas {
        upgrade.push(Op::Execute {
            sql: format!("CREATE SCHEMA IF NOT EXISTS {schema}"),
            note: SCHEMA_NOTE,
            undo: format!("DROP SCHEMA IF EXISTS {schema}"),
            undo_note: SCHEMA_UNDO_NOTE,
        });
    }
    // Enum types both sides have whose values change: first in the
    // upgrade, last in the downgrade (each way written on its own).
    let (values_up, values_down) = enums::value_changes(before, &before_db, after);
    let values_at = upgrade.len()..upgrade.len() + values_up.len();
    upgrade.extend(values_up);
    let new_enum = |ty: &SqlType| -> Option<EnumType> {
        let SqlType::Enum { schema, name } = element_type(ty) else {
            return None;
        };
        let exists = before
            .enums
            .iter()
            .any(|e| &e.name == name && &e.schema == schema);
        (!exists)
            .then(|| {
                after
                    .enums
                    .iter()
                    .find(|e| &e.name == name && &e.schema == schema)
                    .cloned()
            })
            .flatten()
    };
    let mut created: Vec<EnumType> = Vec::new();
    let mut with_tables: Vec<EnumType> = Vec::new();
    let new_tables: Vec<TableRef> = ops
        .iter()
        .filter_map(|op| match op {
            Op::CreateTable { table, .. } => Some(TableRef::of(table)),
            _ => None,
        })
        .collect();
    // CHECK constraints Alembic does not compare, on tables both sides have.
    let mut checks = Vec::new();
    let (before_tables, after_tables) = (before.index(), after.index());
    let before_db_tables = before_db.index();
    for a in &after_db.tables {
        let Some(b) = before_db_tables.get(a.schema.as_deref(), &a.name) else {
            continue;
        };
        let model = after_tables.get(a.schema.as_deref(), &a.name);
        let was_model = before_tables.get(b.schema.as_deref(), &b.name);
        let table = TableRef::of(a);
        for (i, old) in b.check_constraints.iter().enumerate() {
            let kept = a
                .check_constraints
                .iter()
                .any(|c| c.name == old.name && c.sqltext == old.sqltext);
            if !kept {
                let written = was_model
                    .and_then(|t| t.check_constraints.get(i))
                    .map_or(&old.sqltext, |c| &c.sqltext);
                let changed = a.check_constraints.iter().any(|c| c.name == old.name);
                checks.push(Op::Noted {
                    note: if changed {
                        CHECK_CHANGED_NOTE
                    } else {
                        CHECK_REMOVED_NOTE
                    },
                    op: Box::new(Op::DropConstraint {
                        table: table.clone(),
                        name: old.name.clone(),
                        kind: Some("check".into()),
                        check: Some(written.clone()),
                    }),
                });
            }
        }
        for (i, new) in a.check_constraints.iter().enumerate() {
            let existed = b
                .check_constraints
                .iter()
                .any(|c| c.name == new.name && c.sqltext == new.sqltext);
            if !existed {
                let written = model
                    .and_then(|t| t.check_constraints.get(i))
                    .map_or(&new.sqltext, |c| &c.sqltext);
                let changed = b.check_constraints.iter().any(|c| c.name == new.name);
                checks.push(Op::Noted {
                    note: if changed {
                        CHECK_CHANGED_NOTE
                    } else {
                        CHECK_ADDED_NOTE
                    },
                    op: Box::new(Op::CreateCheckConstraint {
                        table: table.clone(),
                        name: new.name.clone(),
                        sqltext: written.clone(),
                    }),
                });
            }
        }
    }
    let mut column_checks: Vec<TableRef> = Vec::new();
    let after_db_tables = after_db.index();
    for op in ops {
        // CHECK constraints declared on a column: Alembic's create_table
        // leaves them out; created right after the table.
        let mut extra: Vec<Op> = Vec::new();
        if let Op::CreateTable {
            table,
            side: Side::Model,
        } = &op
        {
            let stored = after_db_tables.get(table.schema.as_deref(), &table.name);
            extra = table
                .check_constraints
                .iter()
                .enumerate()
                .filter(|(_, c)| c.on_column)
                .map(|(i, c)| Op::Noted {
                    note: COLUMN_CHECK_NOTE,
                    op: Box::new(Op::CreateCheckConstraint {
                        table: TableRef::of(table),
                        name: stored
                            .and_then(|t| t.check_constraints.get(i))
                            .and_then(|s| s.name.clone())
                            .or_else(|| c.name.clone()),
                        sqltext: c.sqltext.clone(),
                    }),
                })
                .collect();
            if !extra.is_empty() {
                column_checks.push(TableRef::of(table));
            }
        }
        // An index on a table that already has rows: built CONCURRENTLY.
        if let Op::CreateIndex { table, .. } | Op::DropIndex { table, .. } = &op
            && !new_tables.contains(table)
        {
            upgrade.push(Op::AutocommitBlock(vec![Op::Concurrently(Box::new(op))]));
            continue;
        }
        // (A NOT NULL column safe mode adds nullable comes noted.)
        let inner = match &op {
            Op::Noted { op, .. } => &**op,
            other => other,
        };
        // A column added with a new enum type, or converted to one (from a
        // string): the type is created first.
        let typed = match inner {
            Op::AddColumn { column, .. } => Some(&column.ty),
            Op::AlterColumn(alter) => alter.ty.target.as_ref().map(|t| &t.column.ty),
            _ => None,
        };
        if let Some(enum_type) = typed.and_then(new_enum)
            && !created.contains(&enum_type)
            && !with_tables.contains(&enum_type)
        {
            created.push(enum_type.clone());
            upgrade.push(Op::CreateEnumType { enum_type });
        }
        // A new table's enum types: create_table makes them.
        if let Op::CreateTable { table, .. } = inner {
            for column in &table.columns {
                if let Some(enum_type) = new_enum(&column.ty)
                    && !created.contains(&enum_type)
                    && !with_tables.contains(&enum_type)
                {
                    with_tables.push(enum_type);
                }
            }
        }
        upgrade.push(op);
        upgrade.extend(extra);
    }
    upgrade.extend(checks);
    // Types no column uses any more: dropped once the last one is gone.
    for enum_type in enums::unused(before, after) {
        upgrade.push(Op::DropEnumType { enum_type });
    }
    let mut downgrade: Vec<Op> = upgrade
        .iter()
        .enumerate()
        .rev()
        .filter(|(i, _)| !values_at.contains(i))
        .map(|(_, op)| op)
        // A dropped table takes its column CHECKs with it.
        .filter(|op| {
            !matches!(op, Op::Noted { op, .. }
                if matches!(&**op, Op::CreateCheckConstraint { table, .. } if column_checks.contains(table)))
        })
        .map(Op::inverse)
        .collect();
    // Enum types `create_table` made implicitly: dropped after the tables.
    let mut at = downgrade.len();
    while at > 0 && matches!(downgrade[at - 1], Op::Execute { .. }) {
        at -= 1; // before the schemas are dropped
    }
    for enum_type in with_tables.into_iter().rev() {
        downgrade.insert(at, Op::DropEnumType { enum_type });
    }
    downgrade.splice(at..at, values_down);
    let mut downgrade = refilled(downgrade, before, &before_db);
    // Unnamed constraints the downgrade drops: PostgreSQL named them.
    for op in &mut downgrade {
        name_dropped_constraint(op, after_db);
    }
    // A table created while its enum types exist (every type of `before`
    // does, both ways) must not create them again.
    let finish = |op: Op| enums::reuse_types(with_using(op), &before.enums);
    let finish = |op: Op| identity::serial_and_identity(finish(op));
    let upgrade = upgrade.into_iter().flat_map(finish).collect();
    let downgrade = downgrade.into_iter().flat_map(finish).collect();
    Migration { upgrade, downgrade }
}

pub(super) const REFILL_NOTE: &str = "added nullable: the upgrade dropped this NOT NULL column, and NOT NULL without a default fails on a table with rows";

pub(super) const REFILL_EMPTY_NOTE: &str = "the dropped values are gone: the rows get the type's empty value, outside the transaction (row locks only), before NOT NULL is set";

pub(super) const REFILLED_NOTE: &str = "every row has a value now (filled above)";

/// The downgrade's `add_column` of a NOT NULL column the upgrade dropped
/// fails on a table with rows (in Alembic's revision too): as the upgrade
/// does it, the column is added nullable, filled (in an autocommit block,
/// so the fill holds row locks only), and proven NOT NULL by a validated
/// CHECK before `SET NOT NULL` ([`super::not_null::set_not_null`]).
fn refilled(downgrade: Vec<Op>, before: &Schema, before_db: &Schema) -> Vec<Op> {
    let mut out = Vec::with_capacity(downgrade.len());
    for op in downgrade {
        let Op::AddColumn {
            table,
            mut column,
            side,
        } = op
        else {
            out.push(op);
            continue;
        };
        if !super::not_null::needs_backfill(&column) {
            out.push(Op::AddColumn {
                table,
                column,
                side,
            });
            continue;
        }
        let fill = Backfill {
            table: table.clone(),
            column: column.name.clone(),
            expression: super::not_null::empty_value(&column.ty, before),
            given: false,
        };
        column.nullable = true;
        out.push(Op::Noted {
            note: REFILL_NOTE,
            op: Box::new(Op::AddColumn {
                table: table.clone(),
                column,
                side,
            }),
        });
        out.push(Op::AutocommitBlock(vec![Op::Execute {
            sql: format!(
                "UPDATE {} SET {} = {} WHERE {} IS NULL",
                super::not_null::qualified(&table),
                fill.column,
                fill.expression,
                fill.column
            ),
            note: REFILL_EMPTY_NOTE,
            undo: String::new(),
            undo_note: "",
        }]));
        out.extend(
            super::not_null::set_not_null(std::slice::from_ref(&fill), before_db, REFILLED_NOTE).0,
        );
    }
    out
}

pub(super) const USING_NOTE: &str = "PostgreSQL has no automatic cast between these types: USING converts each value (a value it cannot convert fails the revision)";

/// A type change PostgreSQL refuses without `USING` (`column "x" cannot be
/// cast automatically to type boolean`) gets `postgresql_using`, with a
/// note. Alembic's revision fails there.
fn with_using(op: Op) -> Op {
    let Op::AlterColumn(mut alter) = op else {
        return op;
    };
    let Some(target) = &alter.ty.target else {
        return Op::AlterColumn(alter);
    };
    let using = needs_using(
        &alter.column,
        &alter.ty.existing.column.ty,
        &target.column.ty,
    );
    if alter.using.is_some() || using.is_none() {
        return Op::AlterColumn(alter);
    }
    alter.using = using;
    Op::Noted {
        note: USING_NOTE,
        op: Box::new(Op::AlterColumn(alter)),
    }
}

/// The `USING` expression `ALTER COLUMN column TYPE to` needs to convert
/// from `from`: `None` where PostgreSQL converts by itself (or retort does
/// not know the types).
pub fn needs_using(column: &str, from: &SqlType, to: &SqlType) -> Option<String> {
    enums::using_to_enum(column, from, to).or_else(|| {
        (!casts_by_assignment(from, to)).then(|| format!("{}::{to}", crate::quote::ident(column)))
    })
}

/// Whether PostgreSQL converts `from` to `to` in `ALTER COLUMN … TYPE`
/// without `USING`: an assignment (or implicit) cast exists. Within the
/// numbers, within the times, within JSON, to any string type; enum and
/// array changes, and types retort does not know, are left as written.
fn casts_by_assignment(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    let number = |t: &SqlType| {
        matches!(
            t,
            SmallInt | Integer | BigInt | Numeric { .. } | Float { .. } | Real | DoublePrecision
        )
    };
    let time = |t: &SqlType| matches!(t, Date | Time { .. } | Timestamp { .. });
    let json = |t: &SqlType| matches!(t, Json | Jsonb);
    let unknown = |t: &SqlType| matches!(t, Enum { .. } | Array { .. } | Named(_));
    std::mem::discriminant(from) == std::mem::discriminant(to)
        || matches!(to, Text | Varchar { .. } | Char { .. })
        || (number(from) && number(to))
        || (time(from) && time(to))
        || (json(from) && json(to))
        || unknown(from)
        || unknown(to)
}

pub(super) fn element_type(ty: &SqlType) -> &SqlType {
    match ty {
        SqlType::Array { element, .. } => element_type(element),
        other => other,
    }
}

/// Gives an unnamed dropped constraint the name PostgreSQL gave it (the
/// database form of the model has it), with a note.
pub(super) fn name_dropped_constraint(op: &mut Op, after_db: &Schema) {
    let (table, columns, is_fk) = match op {
        Op::DropUniqueConstraint {
            table, constraint, ..
        } if constraint.name.is_none() => (table.clone(), constraint.columns.clone(), false),
        Op::DropForeignKey { table, fk, .. } if fk.name.is_none() => {
            (table.clone(), fk.columns.clone(), true)
        }
        _ => return,
    };
    let Some(stored) = after_db.table(table.schema.as_deref(), &table.name) else {
        return;
    };
    let name = if is_fk {
        stored
            .foreign_keys
            .iter()
            .find(|f| f.columns == columns)
            .and_then(|f| f.name.clone())
    } else {
        stored
            .unique_constraints
            .iter()
            .find(|u| u.columns == columns)
            .and_then(|u| u.name.clone())
    };
    let Some(name) = name else { return };
    let note = match op {
        Op::DropUniqueConstraint {
            constraint,
            convention_name,
            ..
        } => {
            constraint.name = Some(name);
            *convention_name = false;
            NAME_NOTE
        }
        Op::DropForeignKey {
            fk,
            convention_name,
            ..
        } => {
            fk.name = Some(name);
            *convention_name = false;
            NAME_NOTE
        }
        _ => return,
    };
    *op = Op::Noted {
        note,
        op: Box::new(op.clone()),
    };
}

pub(super) fn is_convention_name(table: &Table, name: Option<&str>) -> bool {
    name.is_some_and(|n| table.convention_names.iter().any(|c| c == n))
}
