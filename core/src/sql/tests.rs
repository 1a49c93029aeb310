#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;
use crate::Severity;

fn read(sql: &str) -> Schema {
    let (schema, diagnostics) = read_schema(sql);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    schema
}

/// Trimmed from `pg_dump --schema-only` (PostgreSQL 15.18) of a SQLAlchemy
/// `create_all`.
const PG_DUMP: &str = r#"
\restrict BFwOaPyRboQTu7MT9cQsT7uWm82IDunCfLd46zsyaqix9V7dDJCl9vCOkIawstA
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA app;
CREATE TYPE public.status AS ENUM (
    'draft',
    'published'
);
ALTER TYPE public.status OWNER TO postgres;
CREATE TABLE public.posts (
    id integer NOT NULL,
    author_id integer NOT NULL,
    title character varying(200) NOT NULL,
    status public.status DEFAULT 'draft'::public.status NOT NULL,
    tags text[],
    price numeric(10,2),
    CONSTRAINT price_not_negative CHECK ((price >= (0)::numeric))
);
ALTER TABLE public.posts OWNER TO postgres;
CREATE SEQUENCE public.posts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE public.posts_id_seq OWNED BY public.posts.id;
CREATE TABLE app.users (
    id bigint NOT NULL,
    email character varying(255) NOT NULL
);
ALTER TABLE app.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME app.users_id_seq
    START WITH 1000
    INCREMENT BY 5
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
ALTER TABLE ONLY public.posts ALTER COLUMN id SET DEFAULT nextval('public.posts_id_seq'::regclass);
ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_pkey PRIMARY KEY (id);
ALTER TABLE ONLY app.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX ix_users_email ON app.users USING btree (lower((email)::text));
CREATE INDEX ix_posts_title ON public.posts USING btree (title) WHERE (price > (0)::numeric);
ALTER TABLE ONLY public.posts
    ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES app.users(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;
COMMENT ON TABLE public.posts IS 'what people write';
COMMENT ON COLUMN app.users.email IS 'login, lower case';
\unrestrict BFwOaPyRboQTu7MT9cQsT7uWm82IDunCfLd46zsyaqix9V7dDJCl9vCOkIawstA
"#;

#[test]
fn reads_pg_dump_output() {
    let schema = read(PG_DUMP);
    assert_eq!(
        schema.enums,
        [EnumType {
            schema: None,
            name: "status".into(),
            values: vec!["draft".into(), "published".into()],
        }]
    );
    // The serial's own sequence is part of its column, not a sequence of
    // the schema.
    assert!(schema.sequences.is_empty(), "{:?}", schema.sequences);

    let posts = schema.table(None, "posts").unwrap();
    let id = posts.column("id").unwrap();
    assert_eq!(id.autoincrement, Autoincrement::True);
    assert_eq!(id.server_default, None);
    assert!(!id.nullable);
    let status = posts.column("status").unwrap();
    assert_eq!(status.ty.to_string(), "status");
    assert_eq!(
        status.server_default.as_deref(),
        Some("'draft'::public.status")
    );
    assert_eq!(posts.column("tags").unwrap().ty.to_string(), "TEXT[]");
    assert_eq!(
        posts.column("price").unwrap().ty.to_string(),
        "NUMERIC(10, 2)"
    );
    assert_eq!(posts.check_constraints[0].sqltext, "price >= (0)::NUMERIC");
    assert_eq!(posts.comment.as_deref(), Some("what people write"));
    assert_eq!(
        posts.primary_key.as_ref().unwrap().name.as_deref(),
        Some("posts_pkey")
    );
    let fk = &posts.foreign_keys[0];
    assert_eq!(fk.referred_schema.as_deref(), Some("app"));
    assert_eq!(fk.referred_table, "users");
    assert_eq!(fk.ondelete.as_deref(), Some("CASCADE"));
    assert_eq!(fk.deferrable, Some(true));
    assert_eq!(fk.initially.as_deref(), Some("DEFERRED"));
    assert_eq!(
        posts.indexes[0].r#where.as_deref(),
        Some("price > (0)::NUMERIC")
    );
    assert_eq!(posts.indexes[0].using.as_deref(), Some("btree"));

    let users = schema.table(Some("app"), "users").unwrap();
    let identity = users.column("id").unwrap().identity.as_ref().unwrap();
    assert!(identity.always);
    assert_eq!((identity.start, identity.increment), (Some(1000), Some(5)));
    assert_eq!(users.indexes[0].expressions, ["lower((email)::TEXT)"]);
    assert!(users.indexes[0].unique);
    assert_eq!(
        users.column("email").unwrap().comment.as_deref(),
        Some("login, lower case")
    );
}

#[test]
fn reads_hand_written_ddl_with_inline_constraints() {
    let schema = read(
        "CREATE TABLE account (id serial PRIMARY KEY, slug text NOT NULL UNIQUE);
         CREATE TABLE member (
           id bigserial PRIMARY KEY,
           account_id int REFERENCES account ON DELETE SET NULL,
           age smallint CHECK (age >= 0) DEFAULT 0,
           created timestamptz NOT NULL DEFAULT now(),
           CONSTRAINT uq_member UNIQUE (account_id, age)
         );
         CREATE SEQUENCE ticket_seq START 10 INCREMENT BY 2;
         CREATE INDEX CONCURRENTLY ix_member_created ON member USING brin (created);",
    );
    let account = schema.table(None, "account").unwrap();
    assert_eq!(
        account.column("id").unwrap().autoincrement,
        Autoincrement::True
    );
    assert_eq!(account.unique_constraints[0].columns, ["slug"]);
    let member = schema.table(None, "member").unwrap();
    assert_eq!(member.column("id").unwrap().ty, SqlType::BigInt);
    assert_eq!(member.foreign_keys[0].referred_columns, ["id"]);
    assert_eq!(member.foreign_keys[0].ondelete.as_deref(), Some("SET NULL"));
    assert_eq!(member.check_constraints[0].sqltext, "age >= 0");
    assert_eq!(
        member.column("age").unwrap().server_default.as_deref(),
        Some("0")
    );
    assert_eq!(
        member.column("created").unwrap().ty.to_string(),
        "TIMESTAMP WITH TIME ZONE"
    );
    assert_eq!(
        member.unique_constraints[0].name.as_deref(),
        Some("uq_member")
    );
    assert_eq!(member.indexes[0].using.as_deref(), Some("brin"));
    assert_eq!(
        schema.sequences,
        [Sequence {
            schema: None,
            name: "ticket_seq".into(),
            start: Some(10),
            increment: Some(2),
        }]
    );
}

#[test]
fn alter_table_forms_change_the_schema() {
    let schema = read(
        "CREATE TABLE t (a int, b text, c text);
         ALTER TABLE t ADD COLUMN d jsonb NOT NULL DEFAULT '{}';
         ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b TYPE varchar(20);
         ALTER TABLE t ALTER COLUMN b SET DEFAULT 'x';
         ALTER TABLE t DROP COLUMN c;
         ALTER TABLE t RENAME COLUMN a TO id;
         ALTER TABLE t ADD CONSTRAINT t_pk PRIMARY KEY (id);
         ALTER TABLE t ADD CONSTRAINT b_short CHECK (length(b) < 10) NOT VALID;
         CREATE UNIQUE INDEX CONCURRENTLY t_b_idx ON t (b);
         ALTER TABLE t ADD CONSTRAINT t_b_key UNIQUE USING INDEX t_b_idx;
         ALTER TABLE t DROP CONSTRAINT b_short;
         ALTER TABLE t RENAME TO thing;
         CREATE TYPE mood AS ENUM ('sad');
         ALTER TYPE mood ADD VALUE 'happy';
         ALTER TABLE thing ADD COLUMN m mood;",
    );
    let t = schema.table(None, "thing").unwrap();
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "b", "d", "m"]);
    assert!(!t.column("id").unwrap().nullable);
    assert_eq!(t.column("b").unwrap().ty.to_string(), "VARCHAR(20)");
    assert_eq!(
        t.column("b").unwrap().server_default.as_deref(),
        Some("'x'")
    );
    assert_eq!(t.column("d").unwrap().ty, SqlType::Jsonb);
    assert_eq!(t.column("m").unwrap().ty.to_string(), "mood");
    assert!(t.check_constraints.is_empty());
    assert!(t.indexes.is_empty());
    assert_eq!(t.unique_constraints[0].name.as_deref(), Some("t_b_key"));
    assert_eq!(t.unique_constraints[0].columns, ["b"]);
    assert_eq!(schema.enums[0].values, ["sad", "happy"]);
}

#[test]
fn unsupported_and_broken_statements_are_diagnostics_and_the_rest_is_read() {
    let sql = "CREATE TABLE a (id int);\n\
               CREATE VIEW v AS SELECT 1;\n\
               CREATE TABLE broken (id int,, x);\n\
               ALTER TABLE missing ADD COLUMN x int;\n\
               CREATE TABLE b (id int);";
    let (schema, diagnostics) = read_schema(sql);
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let summary: Vec<(Severity, &str)> = diagnostics
        .iter()
        .map(|d| (d.severity, &sql[d.span.start..d.span.end]))
        .collect();
    assert_eq!(
        summary,
        [
            (Severity::Warning, "CREATE VIEW v AS SELECT 1"),
            (Severity::Error, ","),
            (Severity::Error, "ALTER TABLE missing ADD COLUMN x int"),
        ]
    );
}

#[test]
fn half_typed_scripts_keep_every_complete_statement() {
    let sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int, name text DEFAULT 'unfinished";
    let (schema, diagnostics) = read_schema(sql);
    assert_eq!(schema.tables.len(), 1);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].severity, Severity::Error);
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let sql = format!(
        "CREATE TABLE t (a int CHECK ({}a{}));\nCREATE TABLE u (id int);",
        "(".repeat(20_000),
        ")".repeat(20_000)
    );
    let (schema, diagnostics) = read_schema(&sql);
    assert_eq!(schema.tables.len(), 1);
    assert_eq!(diagnostics.len(), 1);
    assert!(
        diagnostics[0].message.contains("nested too deeply"),
        "{diagnostics:?}"
    );
}

/// What a migration's SQL does to a schema, as PostgreSQL does it: the
/// statements a replay of revisions meets (issue 21).
#[test]
fn migrations_change_the_schema_as_postgres_does() {
    let schema = read(
        "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);
         CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id), title text CHECK (title <> ''));
         CREATE INDEX ix_posts_title ON posts (title);
         DROP INDEX CONCURRENTLY ix_posts_title;
         ALTER TABLE posts DROP CONSTRAINT posts_user_id_fkey;
         ALTER TABLE posts DROP CONSTRAINT posts_title_check;
         ALTER TABLE users DROP CONSTRAINT users_email_key;
         ALTER TABLE posts ADD CONSTRAINT fk_author FOREIGN KEY (user_id) REFERENCES users (id);
         ALTER TABLE users RENAME TO accounts;
         CREATE TYPE status AS ENUM ('draft', 'published');
         ALTER TYPE status ADD VALUE 'review' AFTER 'draft';
         ALTER TYPE status ADD VALUE 'idea' BEFORE 'draft';
         ALTER TYPE status ADD VALUE 'archived';",
    );
    let posts = schema.table(None, "posts").unwrap();
    assert!(posts.indexes.is_empty(), "DROP INDEX CONCURRENTLY drops it");
    assert!(
        posts.check_constraints.is_empty(),
        "by PostgreSQL's default name"
    );
    assert_eq!(posts.foreign_keys.len(), 1);
    assert_eq!(posts.foreign_keys[0].name.as_deref(), Some("fk_author"));
    assert_eq!(
        posts.foreign_keys[0].referred_table, "accounts",
        "a foreign key follows the table it names"
    );
    assert!(
        schema
            .table(None, "accounts")
            .unwrap()
            .unique_constraints
            .is_empty()
    );
    assert_eq!(
        schema.enums[0].values,
        ["idea", "draft", "review", "published", "archived"]
    );
}

#[test]
fn alter_index_rename_renames_the_index_or_the_constraint_it_backs() {
    let schema = read(
        "CREATE TABLE t (id INTEGER CONSTRAINT pk_t PRIMARY KEY, a INTEGER CONSTRAINT uq_a UNIQUE);\n\
         CREATE INDEX ix_a ON t (a);\n\
         ALTER INDEX ix_a RENAME TO ix_t_a;\n\
         ALTER INDEX uq_a RENAME TO uq_t_a;\n\
         ALTER INDEX pk_t RENAME TO pk_table;\n",
    );
    let t = &schema.tables[0];
    assert_eq!(t.indexes[0].name.as_deref(), Some("ix_t_a"));
    assert_eq!(t.unique_constraints[0].name.as_deref(), Some("uq_t_a"));
    assert_eq!(
        t.primary_key.as_ref().and_then(|p| p.name.as_deref()),
        Some("pk_table")
    );
}

#[test]
fn an_identity_dropped_and_an_enum_type_renamed_are_followed() {
    let schema = read(
        "CREATE TYPE mood AS ENUM ('sad', 'glad');\n\
         CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, m mood, ms mood[]);\n\
         ALTER TABLE ONLY t ALTER COLUMN id DROP IDENTITY;\n\
         ALTER TYPE mood RENAME TO mood_old;\n\
         ALTER TYPE mood_old RENAME VALUE 'glad' TO 'happy';",
    );
    let table = &schema.tables[0];
    assert_eq!(table.columns[0].identity, None);
    assert_eq!(schema.enums[0].name, "mood_old");
    assert_eq!(schema.enums[0].values, ["sad", "happy"]);
    // The columns that use the type follow its new name, arrays too.
    assert_eq!(table.columns[1].ty.to_string(), "mood_old");
    assert_eq!(table.columns[2].ty.to_string(), "mood_old[]");
}
