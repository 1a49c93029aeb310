//! The database read back, compared: a schema written by
//! [`super::CATALOGUE_DDL`] read by the SQL reader, then autogenerate's own
//! comparison against a model (what `alembic check` reports) or against
//! the same database at another moment (the round trip).

use crate::diff::diff;
use crate::render::{RenderOptions, database_enums, render_op};
use crate::schema::Schema;

/// The ops that would take `database` to `target`, as Alembic renders
/// them in a revision (none: they match).
pub fn differences(database: &Schema, target: &Schema) -> Vec<String> {
    let migration = diff(database, target);
    let enums = database_enums(database);
    let ctx = RenderOptions {
        database_enums: &enums,
        batch: false,
    };
    migration
        .upgrade
        .iter()
        .map(|op| render_op(op, &ctx))
        .collect()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::input::read_schema;

    /// What the catalogue query writes for a `users` table made by
    /// `create_all` (a serial key, a unique email), as PostgreSQL 18 prints
    /// it.
    const DATABASE: &str = "CREATE TABLE public.users (id integer NOT NULL, email character varying(255) NOT NULL);\n\
        CREATE SEQUENCE public.users_id_seq;\n\
        ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;\n\
        ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('users_id_seq'::regclass);\n\
        ALTER TABLE ONLY public.users ADD CONSTRAINT users_email_key UNIQUE (email);\n\
        ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n";

    const MODEL: &str = "from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\
        class Base(DeclarativeBase):\n    pass\n\n\
        class User(Base):\n    __tablename__ = \"users\"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    \
        email: Mapped[str] = mapped_column(String(255), unique=True)\n";

    #[test]
    fn the_database_matches_its_model() {
        let (database, problems) = read_schema(DATABASE);
        assert!(problems.is_empty(), "{problems:?}");
        let (model, _) = read_schema(MODEL);
        assert_eq!(differences(&database, &model), Vec::<String>::new());
    }

    #[test]
    fn a_missing_column_is_an_add_column() {
        let (database, _) = read_schema(DATABASE);
        let (model, _) = read_schema(&format!(
            "{MODEL}    bio: Mapped[str] = mapped_column(String(500))\n"
        ));
        assert_eq!(
            differences(&database, &model),
            ["op.add_column('users', sa.Column('bio', sa.String(length=500), nullable=False))"]
        );
    }
}
