//! Schema × Schema → the ordered operations Alembic's autogenerate would
//! emit, comparing the way it does with `compare_type=True` and
//! `compare_server_default=True`.
//!
//! The `before` schema plays the database (Alembic reflects it), the
//! `after` schema the model (`target_metadata`). Equality is judged on the
//! database form ([`crate::sql::stored::database_form`]): what PostgreSQL
//! would store for each side. The order is Alembic's: new tables in
//! dependency order (each followed by its indexes), then dropped tables,
//! then each existing table by (schema, name) — added columns, altered
//! columns, index and unique-constraint changes, dropped columns.

mod compare;
mod enums;
mod identity;
mod not_null;
mod order;
mod plan;
mod renames;
mod safe;

pub use not_null::Backfill;
pub use order::foreign_key_cycle;
pub use plan::{PlanStep, plan, plan_with_table_renames};
pub use renames::{
    Rename, TableRename, rename_candidates, renamed_tables, table_rename_candidates,
};

use crate::diagnostic::Diagnostic;
use crate::op::{AlterColumn, Change, Migration, Op, Side, SidedColumn, TableRef};
use crate::schema::Autoincrement;
use crate::schema::{Column, EnumType, Schema, SqlType, Table, TableIndex};
use crate::sql::stored::database_form;
use compare::compare;
pub use safe::needs_using;
use safe::safe;

/// How much of retort's own judgement goes into the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Safe mode: also what Alembic's revision would need to run at all —
    /// schemas it does not create, enum types `add_column` does not create
    /// (and `drop_table` does not drop), names for constraints Alembic
    /// leaves unnamed in `drop_constraint`. Each addition is marked in the
    /// revision with a `# retort:` comment.
    pub safe: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { safe: true }
    }
}

/// Compares `before` (the database) with `after` (the model), as Alembic
/// does (no safe-mode additions).
pub fn diff(before: &Schema, after: &Schema) -> Migration {
    diff_with(before, after, Options { safe: false })
}

/// Compares `before` (the database) with `after` (the model).
pub fn diff_with(before: &Schema, after: &Schema, options: Options) -> Migration {
    let (mut ops, after_db) = compare(before, after);
    ops.iter_mut().for_each(enums::as_alembic_renders);
    if options.safe {
        return safe(before, after, &after_db, ops);
    }
    let downgrade = ops.iter().rev().map(Op::inverse).collect();
    Migration {
        upgrade: ops,
        downgrade,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::order::sorted_tables;
    use super::*;
    use crate::python::read_schema;

    const HEAD: &str = "import enum\nimport sqlalchemy as sa\nfrom sqlalchemy import ForeignKey, String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Mood(enum.Enum):\n    sad = 'sad'\n    glad = 'glad'\n";

    fn schema(body: &str) -> Schema {
        let (schema, diagnostics) = read_schema(&format!("{HEAD}{body}"));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        schema
    }

    const USERS: &str = "\n\nclass User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    email: Mapped[str] = mapped_column(String(255))\n";

    #[test]
    fn new_tables_come_after_the_tables_they_reference() {
        let after = schema(&format!(
            "{USERS}\n\nclass Post(Base):\n    __tablename__ = 'a_posts'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    user_id: Mapped[int] = mapped_column(ForeignKey('users.id'))\n"
        ));
        let names: Vec<&str> = sorted_tables(&after)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["users", "a_posts"]);
    }

    #[test]
    fn the_downgrade_undoes_the_upgrade_in_reverse() {
        let before = schema(USERS);
        let after = schema(&format!(
            "{USERS}    bio: Mapped[str | None]\n    mood: Mapped[Mood] = mapped_column(sa.Enum(Mood, name='mood'))\n"
        ));
        let plain = diff(&before, &after);
        assert_eq!(plain.upgrade.len(), 2);
        assert!(
            matches!(&plain.downgrade[0], Op::DropColumn { column, .. } if column.name == "mood")
        );
        // Inverting twice gives the upgrade back.
        let again: Vec<Op> = plain.downgrade.iter().rev().map(Op::inverse).collect();
        assert_eq!(again, plain.upgrade);

        // Safe mode creates the enum type add_column needs, and drops it.
        let safe = diff_with(&before, &after, Options { safe: true });
        assert!(
            matches!(&safe.upgrade[1], Op::CreateEnumType { enum_type } if enum_type.name == "mood")
        );
        assert!(matches!(&safe.downgrade[1], Op::DropEnumType { .. }));
    }

    #[test]
    fn safe_mode_converts_with_using_where_postgresql_has_no_cast() {
        let model = |ty: &str| {
            schema(&format!(
                "\n\nclass F(Base):\n    __tablename__ = 'f'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    v: Mapped[{ty}]\n"
            ))
        };
        let using = |from: &str, to: &str| {
            let migration = diff_with(&model(from), &model(to), Options { safe: true });
            let find = |ops: &[Op]| {
                ops.iter().find_map(|op| match op {
                    Op::Noted { op, .. } => match &**op {
                        Op::AlterColumn(alter) => alter.using.clone(),
                        _ => None,
                    },
                    Op::AlterColumn(alter) => alter.using.clone(),
                    _ => None,
                })
            };
            (find(&migration.upgrade), find(&migration.downgrade))
        };
        assert_eq!(
            using("int", "bool"),
            (Some("v::BOOLEAN".into()), Some("v::INTEGER".into()))
        );
        // To a string, within numbers: PostgreSQL casts by itself, one way.
        assert_eq!(using("int", "str"), (None, Some("v::INTEGER".into())));
        assert_eq!(using("int", "float"), (None, None));
        // Alembic's own revision is left as Alembic writes it.
        let plain = diff(&model("int"), &model("bool"));
        assert!(plain.upgrade.iter().all(|op| match op {
            Op::AlterColumn(alter) => alter.using.is_none(),
            _ => true,
        }));
    }

    #[test]
    fn foreign_key_cycles_among_new_tables_are_found() {
        let before = schema("");
        let after_body = "\n\nclass A(Base):\n    __tablename__ = 'a'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    b_id: Mapped[int] = mapped_column(ForeignKey('b.id'))\n\n\nclass B(Base):\n    __tablename__ = 'b'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    a_id: Mapped[int] = mapped_column(ForeignKey('a.id'))\n\n\nclass C(Base):\n    __tablename__ = 'c'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    a_id: Mapped[int] = mapped_column(ForeignKey('a.id'))\n";
        let after = schema(after_body);
        let after_text = format!("{HEAD}{after_body}");
        let warning = foreign_key_cycle(&before, &after).expect("a cycle");
        assert!(
            warning.message.contains("the new tables a, b reference"),
            "{}",
            warning.message
        );
        assert!(after_text[warning.span.start..].starts_with("A(Base)"));
        assert!(foreign_key_cycle(&after, &after).is_none());
    }

    #[test]
    fn a_table_renamed_alike_is_offered_and_applied_only_when_accepted() {
        let before = schema(USERS);
        let after = schema(
            &USERS
                .replace("'users'", "'accounts'")
                .replace("class User", "class Account"),
        );
        let candidates = table_rename_candidates(&before, &after);
        assert_eq!(
            candidates,
            [TableRename {
                schema: None,
                old: "users".into(),
                new: "accounts".into()
            }]
        );
        let (plain, _) =
            plan_with_table_renames(&before, &after, Options { safe: true }, &[], &[], &[]);
        assert!(
            plain[0]
                .migration
                .upgrade
                .iter()
                .any(|op| matches!(op, Op::DropTable { .. }))
        );
        let (renamed, _) = plan_with_table_renames(
            &before,
            &after,
            Options { safe: true },
            &[],
            &[],
            &candidates,
        );
        let migration = &renamed[0].migration;
        assert!(
            matches!(&migration.upgrade[..], [Op::Noted { op, .. }] if matches!(&**op, Op::RenameTable { old, new, .. } if old == "users" && new == "accounts")),
            "{:?}",
            migration.upgrade
        );
        assert!(
            matches!(&migration.downgrade[..], [Op::RenameTable { old, new, .. }] if old == "accounts" && new == "users")
        );
        // A different column set is no rename.
        let other = schema(&format!(
            "{}    extra: Mapped[int]\n",
            USERS.replace("'users'", "'accounts'")
        ));
        assert!(table_rename_candidates(&before, &other).is_empty());
    }

    #[test]
    fn no_change_is_no_op() {
        let before = schema(USERS);
        assert_eq!(diff(&before, &before).upgrade, vec![]);
    }

    /// The SQL texts of `ops`' `op.execute` statements.
    fn executed(ops: &[Op]) -> Vec<&str> {
        ops.iter()
            .filter_map(|op| match op {
                Op::Execute { sql, .. } => Some(sql.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn enum_values_removed_or_reordered_recreate_the_type_both_ways() {
        let table = "\n\nclass T(Base):\n    __tablename__ = 't'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    m: Mapped[Mood] = mapped_column(sa.Enum(Mood, name='mood'), server_default='sad')\n";
        let before = schema(table);
        let reordered = schema(&table.replace("Mood, name", "'glad', 'sad', name"));
        let safe = diff_with(&before, &reordered, Options::default());
        let up = executed(&safe.upgrade);
        assert_eq!(up[0], "ALTER TYPE mood RENAME TO mood_old");
        assert_eq!(up[1], "CREATE TYPE mood AS ENUM ('glad', 'sad')");
        assert_eq!(up[2], "ALTER TABLE t ALTER COLUMN m DROP DEFAULT");
        assert_eq!(
            up[3],
            "ALTER TABLE t ALTER COLUMN m TYPE mood USING m::text::mood"
        );
        assert_eq!(up[4], "ALTER TABLE t ALTER COLUMN m SET DEFAULT 'sad'");
        assert_eq!(up[5], "DROP TYPE mood_old");
        assert!(executed(&safe.downgrade).contains(&"CREATE TYPE mood AS ENUM ('sad', 'glad')"));

        // A value added: in place on the way up, recreated on the way down.
        let added = schema(&table.replace("Mood, name", "'sad', 'glad', 'meh', name"));
        let safe = diff_with(&before, &added, Options::default());
        assert!(matches!(&safe.upgrade[..], [Op::AddEnumValue { value, .. }] if value == "meh"));
        assert!(executed(&safe.downgrade).contains(&"CREATE TYPE mood AS ENUM ('sad', 'glad')"));
        // Alembic sees none of it.
        assert!(diff(&before, &added).upgrade.is_empty());
    }

    #[test]
    fn an_enum_type_follows_its_last_column_and_a_new_table_reuses_it() {
        let with = |columns: &str| {
            schema(&format!(
                "\n\nclass T(Base):\n    __tablename__ = 't'\n    id: Mapped[int] = mapped_column(primary_key=True)\n{columns}"
            ))
        };
        let before = with("    m: Mapped[Mood] = mapped_column(sa.Enum(Mood, name='mood'))\n");
        let after = with("");
        let safe = diff_with(&before, &after, Options::default());
        assert!(
            matches!(safe.upgrade.last(), Some(Op::DropEnumType { enum_type }) if enum_type.name == "mood")
        );
        assert!(matches!(&safe.downgrade[0], Op::CreateEnumType { .. }));

        // A new table with a type the database has: create_type=False, and
        // its SQL creates no type.
        let reused = schema(
            "\n\nclass T(Base):\n    __tablename__ = 't'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    m: Mapped[Mood] = mapped_column(sa.Enum(Mood, name='mood'))\n\n\nclass U(Base):\n    __tablename__ = 'u'\n    id: Mapped[int] = mapped_column(primary_key=True)\n    m: Mapped[Mood] = mapped_column(sa.Enum(Mood, name='mood'))\n",
        );
        let safe = diff_with(&before, &reused, Options::default());
        let Some(Op::Noted { op, .. }) = safe.upgrade.first() else {
            panic!("{:?}", safe.upgrade);
        };
        let Op::CreateTable { table, .. } = &**op else {
            panic!("{op:?}");
        };
        assert!(table.columns[1].reuses_type());
        assert_eq!(
            table.columns[1].sa_type,
            "postgresql.ENUM('sad', 'glad', name='mood', create_type=False)"
        );
        // Alembic's own revision creates it again.
        assert!(
            matches!(&diff(&before, &reused).upgrade[0], Op::CreateTable { table, .. } if !table.columns[1].reuses_type())
        );
    }

    #[test]
    fn a_dropped_not_null_column_comes_back_nullable_filled_then_proven() {
        let before = schema(&format!("{USERS}    logins: Mapped[int]\n"));
        let after = schema(USERS);
        let safe = diff_with(&before, &after, Options::default());
        let Op::Noted { op, .. } = &safe.downgrade[0] else {
            panic!("{:?}", safe.downgrade);
        };
        assert!(matches!(&**op, Op::AddColumn { column, .. } if column.nullable));
        let Op::AutocommitBlock(fill) = &safe.downgrade[1] else {
            panic!("{:?}", safe.downgrade);
        };
        assert_eq!(
            executed(fill),
            ["UPDATE users SET logins = 0 WHERE logins IS NULL"]
        );
        assert!(
            matches!(&safe.downgrade[2], Op::Noted { op, .. } if matches!(&**op, Op::NotValid(_)))
        );
        assert!(matches!(
            safe.downgrade.last(),
            Some(Op::DropConstraint { .. })
        ));
        // Alembic's own downgrade adds it NOT NULL, which fails with rows.
        assert!(
            matches!(&diff(&before, &after).downgrade[0], Op::AddColumn { column, .. } if !column.nullable)
        );
    }

    #[test]
    fn a_serial_key_becomes_an_identity_and_back_with_its_sequence() {
        let table = |id: &str| {
            schema(&format!(
                "\n\nclass T(Base):\n    __tablename__ = 't'\n    id: Mapped[int] = mapped_column({id}primary_key=True)\n"
            ))
        };
        let (before, after) = (table(""), table("sa.Identity(), "));
        // Alembic's: an alter_column whose identity PostgreSQL refuses.
        let plain = diff(&before, &after);
        assert!(
            matches!(&plain.upgrade[..], [Op::AlterColumn(a)] if a.server_default.target.as_ref().is_some_and(|t| t.column.identity.is_some()))
        );
        let safe = diff_with(&before, &after, Options::default());
        assert_eq!(
            executed(&safe.upgrade),
            [
                "ALTER TABLE t ALTER COLUMN id DROP DEFAULT",
                "DROP SEQUENCE IF EXISTS t_id_seq",
                "SELECT setval(pg_get_serial_sequence('t', 'id'), coalesce(max(id), 0) + 1, false) FROM t",
            ]
        );
        assert_eq!(
            executed(&safe.downgrade),
            [
                "ALTER TABLE t ALTER COLUMN id DROP IDENTITY",
                "CREATE SEQUENCE t_id_seq OWNED BY t.id",
                "ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass)",
                "SELECT setval('t_id_seq', coalesce(max(id), 0) + 1, false) FROM t",
            ]
        );
    }
}
