//! The `Op` IR: one migration operation, in Alembic's terms.
//!
//! The diff produces `Op`s, the renderer prints them as Alembic's `op.*`
//! calls (and, later, as PostgreSQL SQL); the linter and the simulator will
//! read the same values. An op carries what rendering and inverting it need:
//! a dropped column keeps its definition so its inverse can add it back.

use crate::quote::py_repr;
use crate::schema::{
    Column, EnumType, ExcludeConstraint, ForeignKey, Index, SqlType, Table, UniqueConstraint,
};

/// The upgrade and its exact inverse.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Migration {
    pub upgrade: Vec<Op>,
    pub downgrade: Vec<Op>,
}

/// Which side of a diff a table or column came from decides how its type is
/// rendered: a model's type as written (`sa.String(length=50)`), a
/// database's as reflected (`sa.VARCHAR(length=50)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The target model (`metadata` in Alembic's terms).
    Model,
    /// The current database (reflected by Alembic).
    Database,
}

/// A table a migration operates on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableRef {
    pub schema: Option<String>,
    pub name: String,
}

impl TableRef {
    pub fn of(table: &Table) -> Self {
        TableRef {
            schema: table.schema.clone(),
            name: table.name.clone(),
        }
    }

    pub fn key(&self) -> crate::schema::TableKey<'_> {
        (self.schema.as_deref(), self.name.as_str())
    }
}

/// One operation of a migration.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `op.create_table(...)`; the table is rendered from `side`.
    CreateTable {
        table: Box<Table>,
        side: Side,
    },
    /// `op.drop_table(...)`; the table's definition is kept for the inverse.
    DropTable {
        table: Box<Table>,
        side: Side,
    },
    /// `op.add_column(table, sa.Column(...))`.
    AddColumn {
        table: TableRef,
        column: Box<Column>,
        side: Side,
    },
    /// `op.drop_column(table, name)`.
    DropColumn {
        table: TableRef,
        column: Box<Column>,
        side: Side,
    },
    AlterColumn(Box<AlterColumn>),
    /// `op.create_index(...)`, from `side`'s table (for `op.f()` names).
    CreateIndex {
        table: TableRef,
        index: Box<Index>,
        convention_name: bool,
    },
    DropIndex {
        table: TableRef,
        index: Box<Index>,
        convention_name: bool,
    },
    /// `op.create_unique_constraint(...)`.
    CreateUniqueConstraint {
        table: TableRef,
        constraint: UniqueConstraint,
        convention_name: bool,
        side: Side,
    },
    /// `op.drop_constraint(name, table, type_='unique')`; keeps the
    /// constraint for the inverse.
    DropUniqueConstraint {
        table: TableRef,
        constraint: UniqueConstraint,
        convention_name: bool,
        side: Side,
    },
    /// `op.create_foreign_key(name, source, referent, [cols], [cols], ...)`.
    CreateForeignKey {
        table: TableRef,
        fk: Box<ForeignKey>,
        convention_name: bool,
    },
    /// `op.drop_constraint(name, table, type_='foreignkey')`.
    DropForeignKey {
        table: TableRef,
        fk: Box<ForeignKey>,
        convention_name: bool,
    },
    /// `op.create_table_comment(table, comment, existing_comment=...)`.
    CreateTableComment {
        table: TableRef,
        comment: String,
        existing: Option<String>,
    },
    /// `op.drop_table_comment(table, existing_comment=...)`.
    DropTableComment {
        table: TableRef,
        existing: String,
    },
    /// `op.execute(sql)`, added by retort (`note` says why); `undo` is the
    /// statement of its inverse.
    Execute {
        sql: String,
        note: &'static str,
        undo: String,
        undo_note: &'static str,
    },
    /// `postgresql.ENUM(...).create(op.get_bind(), checkfirst=True)`:
    /// retort's, where Alembic would not create the type.
    CreateEnumType {
        enum_type: EnumType,
    },
    /// `postgresql.ENUM(name=...).drop(op.get_bind(), checkfirst=True)`:
    /// retort's, where Alembic would leave the type behind.
    DropEnumType {
        enum_type: EnumType,
    },
    /// An Alembic op that retort changed, with why (rendered as a
    /// `# retort:` comment above it).
    Noted {
        note: &'static str,
        op: Box<Op>,
    },
    /// An index op run `CONCURRENTLY` (`postgresql_concurrently=True`).
    /// PostgreSQL refuses it inside a transaction: retort's safe mode puts
    /// it alone in an [`Op::AutocommitBlock`].
    Concurrently(Box<Op>),
    /// `ALTER TYPE … ADD VALUE`: a value added to an enum type, which
    /// Alembic's autogenerate does not see (retort's safe mode).
    AddEnumValue {
        enum_type: EnumType,
        value: String,
        /// The value it follows in the type's order.
        after: Option<String>,
    },
    /// `op.rename_table(old, new, schema=...)`.
    RenameTable {
        schema: Option<String>,
        old: String,
        new: String,
    },
    /// `op.create_check_constraint(name, table, condition)`.
    CreateCheckConstraint {
        table: TableRef,
        name: Option<String>,
        sqltext: String,
    },
    /// `op.drop_constraint(name, table, type_=...)` of a constraint the
    /// revision does not describe (read from a revision file): `kind` is
    /// Alembic's `type_` (`check`, `primary`, …), if given.
    DropConstraint {
        table: TableRef,
        name: Option<String>,
        kind: Option<String>,
        /// A CHECK constraint's condition, when known: its inverse
        /// re-creates it.
        check: Option<String>,
    },
    /// `with op.get_context().autocommit_block():` around several ops (read
    /// from a revision file; retort's own use is [`Op::Concurrently`]).
    AutocommitBlock(Vec<Op>),
    /// A statement of a revision file that retort cannot follow (a helper
    /// call, a loop): kept as written, never dropped.
    Unread {
        code: String,
    },
    /// SQL run as written: `op.execute(…)` read from a revision, or a
    /// statement of a `.sql` migration. `ops` is what its statements do in
    /// this IR (read by `sql::ops`), in order; a statement that could not
    /// be read adds nothing.
    Sql {
        sql: String,
        ops: Vec<Op>,
    },
    /// A SQL command that no Alembic operation stands for.
    Command(Command),
    /// A foreign key or CHECK constraint added `NOT VALID`
    /// (`postgresql_not_valid=True`): existing rows are not checked.
    NotValid(Box<Op>),
    /// `op.create_primary_key(name, table, [columns])`.
    CreatePrimaryKey {
        table: TableRef,
        name: Option<String>,
        columns: Vec<String>,
    },
    /// `op.create_exclude_constraint(name, table, *elements, using=…)`.
    CreateExcludeConstraint {
        table: TableRef,
        constraint: ExcludeConstraint,
    },
}

/// A SQL command with no Alembic operation: what a migration runs through
/// `op.execute` besides DDL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Begin,
    Commit,
    Rollback,
    /// `SET [LOCAL] name = value` (`lock_timeout`, `statement_timeout`…).
    Set {
        name: String,
        value: String,
        local: bool,
    },
    Truncate {
        tables: Vec<TableRef>,
    },
    /// `VACUUM [FULL] [tables]`.
    Vacuum {
        full: bool,
        tables: Vec<String>,
    },
    /// `REINDEX [CONCURRENTLY] TABLE|INDEX|… name`.
    Reindex {
        concurrently: bool,
        target: String,
    },
    DropDatabase {
        name: String,
    },
    /// `ALTER TABLE … SET LOGGED | SET UNLOGGED`.
    SetLogged {
        table: TableRef,
        logged: bool,
    },
    /// `ALTER TABLE … VALIDATE CONSTRAINT name`.
    ValidateConstraint {
        table: TableRef,
        name: String,
    },
    /// `ALTER TABLE … ADD [CONSTRAINT name] UNIQUE|PRIMARY KEY USING INDEX idx`.
    ConstraintUsingIndex {
        table: TableRef,
        name: Option<String>,
        index: String,
        primary: bool,
    },
    /// `LOCK TABLE … IN mode MODE`.
    Lock {
        tables: Vec<TableRef>,
        mode: String,
    },
    /// `INSERT`, `UPDATE`, `DELETE`, `MERGE` on a table (a backfill).
    Dml {
        verb: &'static str,
        table: Option<TableRef>,
    },
    /// Any other statement, by its first words (`CREATE FUNCTION`, `SELECT`).
    Other {
        verb: String,
    },
}

impl Command {
    /// The command as PostgreSQL SQL (for a statement read from SQL, a
    /// restatement: the text as written is kept by [`Op::Sql`]).
    pub fn sql(&self) -> String {
        use crate::quote::ident;
        let table = |t: &TableRef| match &t.schema {
            Some(schema) => format!("{}.{}", ident(schema), ident(&t.name)),
            None => ident(&t.name),
        };
        let tables = |ts: &[TableRef]| ts.iter().map(table).collect::<Vec<_>>().join(", ");
        match self {
            Command::Begin => "BEGIN".into(),
            Command::Commit => "COMMIT".into(),
            Command::Rollback => "ROLLBACK".into(),
            Command::Set { name, value, local } => {
                format!("SET {}{name} = {value}", if *local { "LOCAL " } else { "" })
            }
            Command::Truncate { tables: ts } => format!("TRUNCATE {}", tables(ts)),
            Command::Vacuum { full, tables } => format!(
                "VACUUM{}{}{}",
                if *full { " FULL" } else { "" },
                if tables.is_empty() { "" } else { " " },
                tables.join(", ")
            ),
            Command::Reindex {
                concurrently,
                target,
            } => format!(
                "REINDEX {}{target}",
                if *concurrently { "(CONCURRENTLY) " } else { "" }
            ),
            Command::DropDatabase { name } => format!("DROP DATABASE {}", ident(name)),
            Command::SetLogged { table: t, logged } => format!(
                "ALTER TABLE {} SET {}",
                table(t),
                if *logged { "LOGGED" } else { "UNLOGGED" }
            ),
            Command::ValidateConstraint { table: t, name } => {
                format!(
                    "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                    table(t),
                    ident(name)
                )
            }
            Command::ConstraintUsingIndex {
                table: t,
                name,
                index,
                primary,
            } => format!(
                "ALTER TABLE {} ADD {}{} USING INDEX {}",
                table(t),
                name.as_deref()
                    .map(|n| format!("CONSTRAINT {} ", ident(n)))
                    .unwrap_or_default(),
                if *primary { "PRIMARY KEY" } else { "UNIQUE" },
                ident(index)
            ),
            Command::Lock { tables: ts, mode } => {
                format!("LOCK TABLE {} IN {mode} MODE", tables(ts))
            }
            Command::Dml { verb, table: t } => match t {
                Some(t) => format!("{verb} {}", table(t)),
                None => verb.to_string(),
            },
            Command::Other { verb } => verb.clone(),
        }
    }
}

/// One attribute of `op.alter_column`: its `existing_*` value and, when it
/// changes, the `modify_*` one. Inverting swaps the two for changed
/// attributes only, as Alembic's `AlterColumnOp.reverse()` does.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<T> {
    pub existing: T,
    pub target: Option<T>,
}

impl<T: Clone> Change<T> {
    fn inverse(&self) -> Self {
        match &self.target {
            Some(target) => Change {
                existing: target.clone(),
                target: Some(self.existing.clone()),
            },
            None => self.clone(),
        }
    }
}

/// A column's type or server default, with the side it is rendered from.
#[derive(Debug, Clone, PartialEq)]
pub struct SidedColumn {
    /// Boxed: an `AlterColumn` holds up to four of these.
    pub column: Box<Column>,
    pub side: Side,
}

/// `op.alter_column(...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterColumn {
    pub table: TableRef,
    pub column: String,
    pub ty: Change<SidedColumn>,
    pub server_default: Change<SidedColumn>,
    pub nullable: Change<bool>,
    pub comment: Change<Option<String>>,
    /// Alembic's `autoincrement=` keyword: set from the model column.
    pub autoincrement: Option<bool>,
    /// `new_column_name=`: a rename the user accepted (`column` is the
    /// old name).
    pub new_name: Option<String>,
    /// `postgresql_using=`: how each value is converted by a type change
    /// PostgreSQL cannot make by itself (`flag::BOOLEAN`).
    pub using: Option<String>,
}

impl AlterColumn {
    pub fn has_changes(&self) -> bool {
        self.new_name.is_some()
            || self.ty.target.is_some()
            || self.server_default.target.is_some()
            || self.nullable.target.is_some()
            || self.comment.target.is_some()
    }
}

impl Op {
    /// The operation that undoes this one.
    pub fn inverse(&self) -> Op {
        match self {
            Op::CreateTable { table, side } => Op::DropTable {
                table: table.clone(),
                side: *side,
            },
            Op::DropTable { table, side } => Op::CreateTable {
                table: table.clone(),
                side: *side,
            },
            Op::AddColumn {
                table,
                column,
                side,
            } => Op::DropColumn {
                table: table.clone(),
                column: column.clone(),
                side: *side,
            },
            Op::DropColumn {
                table,
                column,
                side,
            } => Op::AddColumn {
                table: table.clone(),
                column: column.clone(),
                side: *side,
            },
            Op::AlterColumn(alter) => Op::AlterColumn(Box::new(AlterColumn {
                // A rename undone: the new name back to the old one.
                column: alter
                    .new_name
                    .clone()
                    .unwrap_or_else(|| alter.column.clone()),
                new_name: alter.new_name.as_ref().map(|_| alter.column.clone()),
                ty: alter.ty.inverse(),
                server_default: alter.server_default.inverse(),
                nullable: alter.nullable.inverse(),
                comment: alter.comment.inverse(),
                // The conversion back is not the conversion there.
                using: None,
                ..(**alter).clone()
            })),
            Op::CreateIndex {
                table,
                index,
                convention_name,
            } => Op::DropIndex {
                table: table.clone(),
                index: index.clone(),
                convention_name: *convention_name,
            },
            Op::DropIndex {
                table,
                index,
                convention_name,
            } => Op::CreateIndex {
                table: table.clone(),
                index: index.clone(),
                convention_name: *convention_name,
            },
            Op::CreateUniqueConstraint {
                table,
                constraint,
                convention_name,
                side,
            } => Op::DropUniqueConstraint {
                table: table.clone(),
                constraint: constraint.clone(),
                convention_name: *convention_name,
                side: *side,
            },
            Op::DropUniqueConstraint {
                table,
                constraint,
                convention_name,
                side,
            } => Op::CreateUniqueConstraint {
                table: table.clone(),
                constraint: constraint.clone(),
                convention_name: *convention_name,
                side: *side,
            },
            Op::CreateForeignKey {
                table,
                fk,
                convention_name,
            } => Op::DropForeignKey {
                table: table.clone(),
                fk: fk.clone(),
                convention_name: *convention_name,
            },
            Op::DropForeignKey {
                table,
                fk,
                convention_name,
            } => Op::CreateForeignKey {
                table: table.clone(),
                fk: fk.clone(),
                convention_name: *convention_name,
            },
            Op::CreateTableComment {
                table,
                comment,
                existing,
            } => match existing {
                Some(existing) => Op::CreateTableComment {
                    table: table.clone(),
                    comment: existing.clone(),
                    existing: Some(comment.clone()),
                },
                None => Op::DropTableComment {
                    table: table.clone(),
                    existing: comment.clone(),
                },
            },
            Op::DropTableComment { table, existing } => Op::CreateTableComment {
                table: table.clone(),
                comment: existing.clone(),
                existing: None,
            },
            Op::Execute {
                sql,
                note,
                undo,
                undo_note,
            } => Op::Execute {
                sql: undo.clone(),
                note: undo_note,
                undo: sql.clone(),
                undo_note: note,
            },
            Op::CreateEnumType { enum_type } => Op::DropEnumType {
                enum_type: enum_type.clone(),
            },
            Op::DropEnumType { enum_type } => Op::CreateEnumType {
                enum_type: enum_type.clone(),
            },
            // The note explains the change, not its undoing.
            Op::Noted { op, .. } => op.inverse(),
            Op::Concurrently(op) => Op::Concurrently(Box::new(op.inverse())),
            Op::RenameTable { schema, old, new } => Op::RenameTable {
                schema: schema.clone(),
                old: new.clone(),
                new: old.clone(),
            },
            Op::CreateCheckConstraint {
                table,
                name,
                sqltext,
            } => Op::DropConstraint {
                table: table.clone(),
                name: name.clone(),
                kind: Some("check".into()),
                check: Some(sqltext.clone()),
            },
            Op::DropConstraint {
                table,
                name,
                check: Some(sqltext),
                ..
            } => Op::CreateCheckConstraint {
                table: table.clone(),
                name: name.clone(),
                sqltext: sqltext.clone(),
            },
            Op::DropConstraint { table, name, .. } => Op::Unread {
                code: format!(
                    "# retort: the constraint {} of {} cannot be re-created from this revision",
                    name.as_deref().unwrap_or("(unnamed)"),
                    table.name
                ),
            },
            Op::AutocommitBlock(ops) => {
                Op::AutocommitBlock(ops.iter().rev().map(Op::inverse).collect())
            }
            Op::Sql { sql, .. } => Op::Unread {
                code: format!(
                    "# retort: cannot undo SQL: {}",
                    sql.trim().lines().next().unwrap_or("")
                ),
            },
            Op::Command(command) => Op::Unread {
                code: format!("# retort: cannot undo: {}", command.sql()),
            },
            Op::NotValid(op) => op.inverse(),
            Op::CreatePrimaryKey { table, name, .. } => Op::DropConstraint {
                table: table.clone(),
                name: name.clone(),
                kind: Some("primary".into()),
                check: None,
            },
            Op::CreateExcludeConstraint { table, constraint } => Op::DropConstraint {
                table: table.clone(),
                name: constraint.name.clone(),
                kind: None,
                check: None,
            },
            Op::Unread { code } => Op::Unread {
                code: format!(
                    "# retort: cannot undo: {}",
                    code.lines().next().unwrap_or("")
                ),
            },
            Op::AddEnumValue { .. } => Op::Execute {
                sql: String::new(),
                note: "PostgreSQL cannot drop a value from an enum type: the values added stay",
                undo: String::new(),
                undo_note: "",
            },
        }
    }
}

/// A type PostgreSQL stores, as SQLAlchemy's PostgreSQL dialect reflects it
/// and Alembic renders it (`sa.VARCHAR(length=50)`, `sa.INTEGER()`,
/// `postgresql.TIMESTAMP(timezone=True)`).
pub fn reflected_type(ty: &SqlType, enums: &[EnumType]) -> String {
    let length = |name: &str, n: &Option<u32>| match n {
        Some(n) => format!("sa.{name}(length={n})"),
        None => format!("sa.{name}()"),
    };
    let precision = |p: &Option<u32>| p.map(|p| format!(", precision={p}")).unwrap_or_default();
    match ty {
        SqlType::SmallInt => "sa.SMALLINT()".into(),
        SqlType::Integer => "sa.INTEGER()".into(),
        SqlType::BigInt => "sa.BIGINT()".into(),
        SqlType::Numeric { precision, scale } => match (precision, scale) {
            (Some(p), Some(s)) => format!("sa.NUMERIC(precision={p}, scale={s})"),
            (Some(p), None) => format!("sa.NUMERIC(precision={p}, scale=0)"),
            _ => "sa.NUMERIC()".into(),
        },
        SqlType::Float { precision: Some(p) } if *p <= 24 => "sa.REAL()".into(),
        SqlType::Float { .. } | SqlType::DoublePrecision => {
            "sa.DOUBLE_PRECISION(precision=53)".into()
        }
        SqlType::Real => "sa.REAL()".into(),
        SqlType::Varchar { length: n } => length("VARCHAR", n),
        SqlType::Char { length: n } => length("CHAR", &n.or(Some(1))),
        SqlType::Text => "sa.TEXT()".into(),
        SqlType::Boolean => "sa.BOOLEAN()".into(),
        SqlType::Date => "sa.DATE()".into(),
        SqlType::Time {
            timezone,
            precision: p,
        } => {
            if *timezone {
                format!("postgresql.TIME(timezone=True{})", precision(p))
            } else {
                match p {
                    Some(p) => format!("postgresql.TIME(precision={p})"),
                    None => "postgresql.TIME()".into(),
                }
            }
        }
        SqlType::Timestamp {
            timezone,
            precision: p,
        } => {
            if *timezone {
                format!("postgresql.TIMESTAMP(timezone=True{})", precision(p))
            } else {
                match p {
                    Some(p) => format!("postgresql.TIMESTAMP(precision={p})"),
                    None => "postgresql.TIMESTAMP()".into(),
                }
            }
        }
        SqlType::Interval { .. } => "postgresql.INTERVAL()".into(),
        SqlType::Json => "postgresql.JSON(astext_type=sa.Text())".into(),
        SqlType::Jsonb => "postgresql.JSONB(astext_type=sa.Text())".into(),
        SqlType::Bytea => "postgresql.BYTEA()".into(),
        SqlType::Uuid => "sa.UUID()".into(),
        SqlType::Inet => "postgresql.INET()".into(),
        SqlType::Cidr => "postgresql.CIDR()".into(),
        SqlType::Macaddr => "postgresql.MACADDR()".into(),
        SqlType::Money => "postgresql.MONEY()".into(),
        SqlType::Oid => "postgresql.OID()".into(),
        SqlType::TsVector => "postgresql.TSVECTOR()".into(),
        SqlType::Bit { length: n } => format!("postgresql.BIT(length={})", n.unwrap_or(1)),
        SqlType::Array { element, .. } => {
            format!("postgresql.ARRAY({})", reflected_type(element, enums))
        }
        SqlType::Enum { schema, name } => {
            let values = enums
                .iter()
                .find(|e| &e.name == name && &e.schema == schema)
                .map(|e| e.values.iter().map(|v| py_repr(v)).collect::<Vec<_>>())
                .unwrap_or_default();
            let mut parts = values;
            parts.push(format!("name={}", py_repr(name)));
            if let Some(schema) = schema {
                parts.push(format!("schema={}", py_repr(schema)));
            }
            format!("postgresql.ENUM({})", parts.join(", "))
        }
        SqlType::Named(name) => format!("sa.{}()", name.to_uppercase()),
    }
}
