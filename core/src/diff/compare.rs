//! The comparison itself: what autogenerate emits for two schemas, in its
//! order (new tables in dependency order with their indexes, dropped tables,
//! then each existing table's columns, indexes, unique constraints and
//! foreign keys).

use super::order::sorted_tables;
use super::safe::is_convention_name;
use super::*;

/// Alembic's comparison: the upgrade ops, and the model in database form.
pub(super) fn compare(before: &Schema, after: &Schema) -> (Vec<Op>, Schema) {
    let before_db = database_form(before);
    let after_db = database_form(after);
    let (before_tables, after_tables) = (before.index(), after.index());
    let (before_db_tables, after_db_tables) = (before_db.index(), after_db.index());
    let find = |index: &TableIndex<'_>, t: &Table| index.get(t.schema.as_deref(), &t.name).cloned();
    let mut ops = Vec::new();

    for table in sorted_tables(after) {
        if find(&before_tables, table).is_some() {
            continue;
        }
        ops.push(Op::CreateTable {
            table: Box::new(table.clone()),
            side: Side::Model,
        });
        for index in sorted_indexes(table) {
            ops.push(Op::CreateIndex {
                table: TableRef::of(table),
                convention_name: is_convention_name(table, index.name.as_deref()),
                index: Box::new(index.clone()),
            });
        }
    }

    let mut removed: Vec<&Table> = before
        .tables
        .iter()
        .filter(|t| find(&after_tables, t).is_none())
        .collect();
    removed.sort_by_key(|t| (t.schema.clone().unwrap_or_default(), t.name.clone()));
    // What Alembic reflects: the database form (PostgreSQL's names, serial
    // columns, stored types), every name rendered as `op.f()`.
    let removed: Vec<Table> = removed
        .into_iter()
        .filter_map(|t| find(&before_db_tables, t))
        .collect();
    for table in &removed {
        for index in sorted_indexes(table) {
            ops.push(Op::DropIndex {
                table: TableRef::of(table),
                index: Box::new(reflected(index.clone())),
                convention_name: true,
            });
        }
        ops.push(Op::DropTable {
            table: Box::new(table.clone()),
            side: Side::Database,
        });
    }

    let mut existing: Vec<(&Table, &Table)> = after
        .tables
        .iter()
        .filter_map(|a| {
            before_tables
                .get(a.schema.as_deref(), &a.name)
                .map(|b| (b, a))
        })
        .collect();
    existing.sort_by_key(|(_, a)| (a.schema.clone().unwrap_or_default(), a.name.clone()));
    for (b, a) in existing {
        let (Some(b_db), Some(a_db)) = (find(&before_db_tables, b), find(&after_db_tables, a))
        else {
            continue;
        };
        compare_table(b, a, &b_db, &a_db, &mut ops);
    }

    (ops, after_db)
}

pub(super) fn sorted_indexes(table: &Table) -> Vec<&crate::schema::Index> {
    let mut indexes: Vec<_> = table.indexes.iter().collect();
    indexes.sort_by_key(|i| i.name.clone().unwrap_or_default());
    indexes
}

pub(super) fn compare_table(b: &Table, a: &Table, b_db: &Table, a_db: &Table, ops: &mut Vec<Op>) {
    let table = TableRef::of(a);
    for column in &a.columns {
        if b.column(&column.name).is_none() {
            ops.push(Op::AddColumn {
                table: table.clone(),
                column: Box::new(column.clone()),
                side: Side::Model,
            });
        }
    }
    let auto_column = autoincrement_column(a);
    for column in &a.columns {
        let (Some(existing_db), Some(target_db)) =
            (b_db.column(&column.name), a_db.column(&column.name))
        else {
            continue;
        };
        let alter = alter_column(
            &table,
            existing_db,
            target_db,
            column,
            auto_column.as_deref(),
        );
        if alter.has_changes() {
            ops.push(Op::AlterColumn(Box::new(alter)));
        }
    }
    compare_indexes(b, a, b_db, a_db, ops);
    compare_foreign_keys(a, b_db, a_db, ops);
    if b_db.comment != a_db.comment {
        ops.push(match &a.comment {
            Some(comment) => Op::CreateTableComment {
                table: table.clone(),
                comment: comment.clone(),
                existing: b_db.comment.clone(),
            },
            None => Op::DropTableComment {
                table: table.clone(),
                existing: b_db.comment.clone().unwrap_or_default(),
            },
        });
    }
    for column in &b_db.columns {
        if a.column(&column.name).is_none() {
            ops.push(Op::DropColumn {
                table: table.clone(),
                column: Box::new(column.clone()),
                side: Side::Database,
            });
        }
    }
}

/// The `alter_column` that takes `existing_db` (the database's column, in
/// database form) to `model` (`target_db` its database form).
pub(super) fn alter_column(
    table: &TableRef,
    existing_db: &Column,
    target_db: &Column,
    model: &Column,
    auto_column: Option<&str>,
) -> AlterColumn {
    let existing = SidedColumn {
        column: Box::new(existing_db.clone()),
        side: Side::Database,
    };
    let target = SidedColumn {
        column: Box::new(model.clone()),
        side: Side::Model,
    };
    let changed = |differs: bool| differs.then(|| target.clone());
    AlterColumn {
        table: table.clone(),
        column: existing_db.name.clone(),
        ty: Change {
            existing: existing.clone(),
            target: changed(existing_db.ty != target_db.ty),
        },
        server_default: Change {
            existing,
            // An identity added, dropped or switched between ALWAYS and BY
            // DEFAULT is a server_default change to Alembic.
            target: changed(
                existing_db.server_default != target_db.server_default
                    || existing_db.identity.as_ref().map(|i| i.always)
                        != target_db.identity.as_ref().map(|i| i.always),
            ),
        },
        nullable: Change {
            existing: existing_db.nullable,
            target: (existing_db.nullable != target_db.nullable).then_some(target_db.nullable),
        },
        comment: Change {
            existing: existing_db.comment.clone(),
            target: (existing_db.comment != target_db.comment).then(|| model.comment.clone()),
        },
        autoincrement: if auto_column == Some(model.name.as_str()) {
            Some(true)
        } else {
            match model.autoincrement {
                Autoincrement::True => Some(true),
                Autoincrement::False => Some(false),
                Autoincrement::Auto => None,
            }
        },
        new_name: (existing_db.name != model.name).then(|| model.name.clone()),
        using: None,
    }
}

/// An index of the database side, as Alembic reflects it to drop it (and
/// to create it again in the downgrade).
fn reflected(index: crate::schema::Index) -> crate::schema::Index {
    crate::schema::Index {
        reflected: true,
        ..index
    }
}

/// Indexes and unique constraints by name, in name order: removed, changed
/// (drop + create), added; then unnamed unique constraints by columns.
pub(super) fn compare_indexes(b: &Table, a: &Table, b_db: &Table, a_db: &Table, ops: &mut Vec<Op>) {
    let table = TableRef::of(a);
    let same = |x: &crate::schema::Index, y: &crate::schema::Index| {
        x.unique == y.unique
            && x.expressions == y.expressions
            && x.r#where == y.r#where
            && x.using.as_deref().unwrap_or("btree") == y.using.as_deref().unwrap_or("btree")
    };
    let mut names: Vec<String> = b
        .indexes
        .iter()
        .chain(&a.indexes)
        .filter_map(|i| i.name.clone())
        .collect();
    names.sort();
    names.dedup();
    let index_named = |t: &Table, n: &str| {
        t.indexes
            .iter()
            .find(|i| i.name.as_deref() == Some(n))
            .cloned()
    };
    // Removed first, then changed and added, each in name order.
    for name in &names {
        if let (Some(old), None) = (index_named(b, name), index_named(a, name)) {
            ops.push(Op::DropIndex {
                table: table.clone(),
                index: Box::new(reflected(old)),
                convention_name: true,
            });
        }
    }
    // Judged in database form: `lower(email)` is `lower((email)::text)`
    // read back from PostgreSQL, a predicate is its canonical SQL.
    let same_stored = |name: &str, old: &crate::schema::Index, new: &crate::schema::Index| match (
        index_named(b_db, name),
        index_named(a_db, name),
    ) {
        (Some(x), Some(y)) => same(&x, &y),
        _ => same(old, new),
    };
    for name in &names {
        if let (Some(old), Some(new)) = (index_named(b, name), index_named(a, name))
            && !same_stored(name, &old, &new)
        {
            ops.push(Op::DropIndex {
                table: table.clone(),
                index: Box::new(reflected(old)),
                convention_name: true,
            });
            ops.push(Op::CreateIndex {
                table: table.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                index: Box::new(new),
            });
        }
    }
    for name in &names {
        if let (None, Some(new)) = (index_named(b, name), index_named(a, name)) {
            ops.push(Op::CreateIndex {
                table: table.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                index: Box::new(new),
            });
        }
    }
    // Unique constraints: named ones by name, unnamed ones by columns. A
    // name kept with other columns is changed: dropped, then created.
    let same_unique =
        |u: &crate::schema::UniqueConstraint, v: &crate::schema::UniqueConstraint| match (
            &u.name, &v.name,
        ) {
            (Some(n), Some(m)) => n == m,
            _ => u.columns == v.columns,
        };
    let mut changed = Vec::new();
    for (old, old_db) in b.unique_constraints.iter().zip(&b_db.unique_constraints) {
        match a.unique_constraints.iter().find(|u| same_unique(u, old)) {
            Some(new) if new.columns != old.columns => changed.push((old_db, new)),
            Some(_) => {}
            None => ops.push(Op::DropUniqueConstraint {
                table: table.clone(),
                constraint: old_db.clone(),
                convention_name: true,
                side: Side::Database,
            }),
        }
    }
    for (old_db, new) in changed {
        ops.push(Op::DropUniqueConstraint {
            table: table.clone(),
            constraint: old_db.clone(),
            convention_name: true,
            side: Side::Database,
        });
        ops.push(Op::CreateUniqueConstraint {
            table: table.clone(),
            constraint: new.clone(),
            convention_name: is_convention_name(a, new.name.as_deref()),
            side: Side::Model,
        });
    }
    for new in &a.unique_constraints {
        let present = b.unique_constraints.iter().any(|u| same_unique(u, new));
        if !present {
            ops.push(Op::CreateUniqueConstraint {
                table: table.clone(),
                constraint: new.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                side: Side::Model,
            });
        }
    }
}

/// Foreign keys by what they do (columns, target, actions), as Alembic
/// compares them on PostgreSQL: removed ones first, then added ones.
pub(super) fn compare_foreign_keys(a: &Table, b_db: &Table, a_db: &Table, ops: &mut Vec<Op>) {
    let table = TableRef::of(a);
    let signature = |fk: &crate::schema::ForeignKey| {
        (
            fk.columns.clone(),
            fk.referred_schema.clone(),
            fk.referred_table.clone(),
            fk.referred_columns.clone(),
            fk.ondelete.clone(),
            fk.onupdate.clone(),
            fk.deferrable,
            fk.initially.clone(),
        )
    };
    for old in &b_db.foreign_keys {
        if !a_db
            .foreign_keys
            .iter()
            .any(|f| signature(f) == signature(old))
        {
            ops.push(Op::DropForeignKey {
                table: table.clone(),
                fk: Box::new(old.clone()),
                convention_name: true,
            });
        }
    }
    for (new, new_db) in a.foreign_keys.iter().zip(&a_db.foreign_keys) {
        if !b_db
            .foreign_keys
            .iter()
            .any(|f| signature(f) == signature(new_db))
        {
            ops.push(Op::CreateForeignKey {
                table: table.clone(),
                convention_name: is_convention_name(a, new.name.as_deref()),
                fk: Box::new(new.clone()),
            });
        }
    }
}

/// SQLAlchemy's `Table._autoincrement_column`: the one primary key column
/// marked `autoincrement=True`, or a lone integer primary key column left at
/// `"auto"` that is no foreign key and has no server default.
pub(super) fn autoincrement_column(table: &Table) -> Option<String> {
    let pk = table.primary_key.as_ref()?;
    let columns: Vec<_> = pk.columns.iter().filter_map(|c| table.column(c)).collect();
    if let Some(explicit) = columns
        .iter()
        .find(|c| c.autoincrement == Autoincrement::True)
    {
        return Some(explicit.name.clone());
    }
    let [only] = columns.as_slice() else {
        return None;
    };
    let integer = matches!(
        only.ty,
        crate::schema::SqlType::Integer
            | crate::schema::SqlType::BigInt
            | crate::schema::SqlType::SmallInt
    );
    let in_fk = table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.contains(&only.name));
    (only.autoincrement == Autoincrement::Auto
        && integer
        && !in_fk
        && only.server_default.is_none())
    .then(|| only.name.clone())
}
