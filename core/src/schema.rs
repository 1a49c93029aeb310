//! The schema IR: what a database (or a SQLAlchemy `MetaData`) contains, in
//! the terms PostgreSQL and SQLAlchemy share.
//!
//! Both readers (Python models, SQL DDL) produce a [`Schema`]; the diff
//! compares two of them. Names are kept as the model declares them; the name
//! a constraint gets in the database (after truncation to PostgreSQL's 63
//! bytes) is [`crate::naming::ddl_name`].

use std::fmt;

use serde::Serialize;

use crate::text::Span;

/// Tables, enum types and sequences, each in an optional schema (namespace).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schema {
    pub tables: Vec<Table>,
    pub enums: Vec<EnumType>,
    pub sequences: Vec<Sequence>,
}

impl Schema {
    /// The table with this (schema, name), if any.
    pub fn table(&self, schema: Option<&str>, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name == name && t.schema.as_deref() == schema)
    }

    /// The tables by (schema, name), for finding many of them: a loop over
    /// another schema's tables that asks [`Schema::table`] for each is
    /// quadratic, and a 50 MB model file has half a million tables.
    pub fn index(&self) -> TableIndex<'_> {
        let mut tables = std::collections::HashMap::with_capacity(self.tables.len());
        for table in &self.tables {
            tables
                .entry((table.schema.as_deref(), table.name.as_str()))
                .or_insert(table);
        }
        TableIndex(tables)
    }
}

/// A schema's tables by (schema, name): [`Schema::index`].
pub struct TableIndex<'a>(std::collections::HashMap<(Option<&'a str>, &'a str), &'a Table>);

impl<'a> TableIndex<'a> {
    /// What [`Schema::table`] gives.
    pub fn get(&self, schema: Option<&str>, name: &str) -> Option<&'a Table> {
        self.0.get(&(schema, name)).copied()
    }
}

impl Schema {
    /// A compact outline, one line per table and per column:
    ///
    /// ```text
    /// users
    ///   id INTEGER NOT NULL PK
    ///   email VARCHAR(255) NOT NULL
    /// ```
    pub fn outline(&self) -> String {
        let mut out = String::new();
        for table in &self.tables {
            out.push_str(&table.qualified_name());
            out.push('\n');
            let pk = table
                .primary_key
                .as_ref()
                .map_or(&[][..], |pk| &pk.columns[..]);
            for column in &table.columns {
                out.push_str(&format!("  {} {}", column.name, column.ty));
                if !column.nullable {
                    out.push_str(" NOT NULL");
                }
                if pk.contains(&column.name) {
                    out.push_str(" PK");
                }
                if let Some(default) = &column.server_default {
                    out.push_str(&format!(" DEFAULT {default}"));
                }
                for fk in table
                    .foreign_keys
                    .iter()
                    .filter(|fk| fk.columns.contains(&column.name))
                {
                    out.push_str(&format!(" → {}", fk.referred_table));
                }
                out.push('\n');
            }
        }
        for e in &self.enums {
            let name = match &e.schema {
                Some(schema) => format!("{schema}.{}", e.name),
                None => e.name.clone(),
            };
            out.push_str(&format!("enum {name} ({})\n", e.values.join(", ")));
        }
        out
    }
}

/// A table and everything attached to it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Table {
    pub schema: Option<String>,
    pub name: String,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub foreign_keys: Vec<ForeignKey>,
    pub unique_constraints: Vec<UniqueConstraint>,
    pub check_constraints: Vec<CheckConstraint>,
    pub exclude_constraints: Vec<ExcludeConstraint>,
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    /// Names above that a naming convention made (Alembic renders them as
    /// `op.f('name')`, a name given in the model as `'name'`).
    #[serde(skip)]
    pub convention_names: Vec<String>,
    /// Where the table is declared in the source it was read from.
    #[serde(skip)]
    pub span: Span,
}

/// A table's schema (if named) and name, borrowed: how lookups key tables
/// without cloning their names.
pub type TableKey<'a> = (Option<&'a str>, &'a str);

impl Table {
    pub fn key(&self) -> TableKey<'_> {
        (self.schema.as_deref(), self.name.as_str())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Every constraint's name (primary key, foreign keys, unique, check,
    /// exclusion constraints), to rename or rewrite them in one place.
    pub fn constraint_names_mut(&mut self) -> impl Iterator<Item = &mut Option<String>> {
        self.primary_key
            .iter_mut()
            .map(|c| &mut c.name)
            .chain(self.foreign_keys.iter_mut().map(|c| &mut c.name))
            .chain(self.unique_constraints.iter_mut().map(|c| &mut c.name))
            .chain(self.check_constraints.iter_mut().map(|c| &mut c.name))
            .chain(self.exclude_constraints.iter_mut().map(|c| &mut c.name))
    }

    /// `schema.name` or `name`.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A column. `nullable` is what the database enforces: primary key columns
/// are never nullable, whatever the model says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: SqlType,
    /// The type as Alembic renders it in a revision, from the model
    /// (`sa.String(length=50)`, `postgresql.JSONB(astext_type=sa.Text())`);
    /// empty when the schema was not read from a model. An enum type
    /// `create_table` must not create ends in [`NO_CREATE_TYPE`], which
    /// SQLAlchemy's repr (so Alembic, and the JSON form) leaves out.
    #[serde(serialize_with = "serialize_sa_type")]
    pub sa_type: String,
    pub nullable: bool,
    /// The server default as SQL text (`now()`, `'draft'::text`, `false`).
    pub server_default: Option<String>,
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expression) STORED`: the expression as SQL.
    pub computed: Option<String>,
    pub autoincrement: Autoincrement,
    pub comment: Option<String>,
    #[serde(skip)]
    pub span: Span,
}

/// What ends the rendered type (`Column::sa_type`) of an enum column whose
/// type exists already: `create_table` does not create it.
pub const NO_CREATE_TYPE: &str = ", create_type=False)";

/// `sa_type` as Alembic renders it: without retort's `create_type=False`.
pub fn as_alembic_renders(sa_type: &str) -> String {
    match sa_type.strip_suffix(NO_CREATE_TYPE) {
        Some(open) => format!("{open})"),
        None => sa_type.to_string(),
    }
}

fn serialize_sa_type<S: serde::Serializer>(sa_type: &str, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(&as_alembic_renders(sa_type))
}

impl Column {
    /// Whether the column's enum type is one `create_table` must not create
    /// (`postgresql.ENUM(..., create_type=False)`).
    pub fn reuses_type(&self) -> bool {
        self.sa_type.ends_with(NO_CREATE_TYPE)
    }

    /// A nullable column with no default, identity or comment.
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            sa_type: String::new(),
            nullable: true,
            server_default: None,
            identity: None,
            computed: None,
            autoincrement: Autoincrement::Auto,
            comment: None,
            span: Span::default(),
        }
    }
}

/// SQLAlchemy's `autoincrement=` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Autoincrement {
    /// `"auto"`: a lone integer primary key column becomes `SERIAL`.
    Auto,
    True,
    False,
}

/// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY (…)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub always: bool,
    pub start: Option<i64>,
    pub increment: Option<i64>,
}

/// A column type, printed (by `Display`) exactly as SQLAlchemy compiles it
/// for the PostgreSQL dialect: `VARCHAR(50)`, `TIMESTAMP WITH TIME ZONE`,
/// `NUMERIC(10, 2)`, `INTEGER[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum SqlType {
    SmallInt,
    Integer,
    BigInt,
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    /// SQLAlchemy `Float(precision)`: `FLOAT` / `FLOAT(53)`.
    Float {
        precision: Option<u32>,
    },
    Real,
    DoublePrecision,
    Varchar {
        length: Option<u32>,
    },
    Char {
        length: Option<u32>,
    },
    Text,
    Boolean,
    Date,
    Time {
        timezone: bool,
        precision: Option<u32>,
    },
    Timestamp {
        timezone: bool,
        precision: Option<u32>,
    },
    Interval {
        fields: Option<String>,
        precision: Option<u32>,
    },
    Json,
    Jsonb,
    Bytea,
    Uuid,
    Inet,
    Cidr,
    Macaddr,
    Money,
    Oid,
    TsVector,
    Bit {
        length: Option<u32>,
    },
    /// `element[]`, once per dimension.
    Array {
        element: Box<SqlType>,
        dimensions: u32,
    },
    /// A named PostgreSQL enum type (`CREATE TYPE … AS ENUM`).
    Enum {
        schema: Option<String>,
        name: String,
    },
    /// Any other type, by the name it is written with (`HSTORE`, `CITEXT`,
    /// `INT4RANGE`, a domain…).
    Named(String),
}

impl fmt::Display for SqlType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_length = |f: &mut fmt::Formatter<'_>, name: &str, n: &Option<u32>| match n {
            Some(n) => write!(f, "{name}({n})"),
            None => f.write_str(name),
        };
        let zone = |tz: bool| if tz { "WITH" } else { "WITHOUT" };
        match self {
            SqlType::SmallInt => f.write_str("SMALLINT"),
            SqlType::Integer => f.write_str("INTEGER"),
            SqlType::BigInt => f.write_str("BIGINT"),
            SqlType::Numeric { precision, scale } => match (precision, scale) {
                (Some(p), Some(s)) => write!(f, "NUMERIC({p}, {s})"),
                (Some(p), None) => write!(f, "NUMERIC({p})"),
                _ => f.write_str("NUMERIC"),
            },
            SqlType::Float { precision } => with_length(f, "FLOAT", precision),
            SqlType::Real => f.write_str("REAL"),
            SqlType::DoublePrecision => f.write_str("DOUBLE PRECISION"),
            SqlType::Varchar { length } => with_length(f, "VARCHAR", length),
            SqlType::Char { length } => with_length(f, "CHAR", length),
            SqlType::Text => f.write_str("TEXT"),
            SqlType::Boolean => f.write_str("BOOLEAN"),
            SqlType::Date => f.write_str("DATE"),
            SqlType::Time {
                timezone,
                precision,
            } => {
                with_length(f, "TIME", precision)?;
                write!(f, " {} TIME ZONE", zone(*timezone))
            }
            SqlType::Timestamp {
                timezone,
                precision,
            } => {
                with_length(f, "TIMESTAMP", precision)?;
                write!(f, " {} TIME ZONE", zone(*timezone))
            }
            SqlType::Interval { fields, precision } => {
                f.write_str("INTERVAL")?;
                if let Some(fields) = fields {
                    write!(f, " {fields}")?;
                }
                match precision {
                    Some(p) => write!(f, "({p})"),
                    None => Ok(()),
                }
            }
            SqlType::Json => f.write_str("JSON"),
            SqlType::Jsonb => f.write_str("JSONB"),
            SqlType::Bytea => f.write_str("BYTEA"),
            SqlType::Uuid => f.write_str("UUID"),
            SqlType::Inet => f.write_str("INET"),
            SqlType::Cidr => f.write_str("CIDR"),
            SqlType::Macaddr => f.write_str("MACADDR"),
            SqlType::Money => f.write_str("MONEY"),
            SqlType::Oid => f.write_str("OID"),
            SqlType::TsVector => f.write_str("TSVECTOR"),
            SqlType::Bit { length } => with_length(f, "BIT", length),
            SqlType::Array {
                element,
                dimensions,
            } => {
                write!(f, "{element}")?;
                (0..(*dimensions).max(1)).try_for_each(|_| f.write_str("[]"))
            }
            SqlType::Enum { schema, name } => match schema {
                Some(schema) => write!(f, "{schema}.{name}"),
                None => f.write_str(name),
            },
            SqlType::Named(name) => f.write_str(name),
        }
    }
}

impl From<SqlType> for String {
    fn from(ty: SqlType) -> String {
        ty.to_string()
    }
}

/// `PRIMARY KEY (columns)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrimaryKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// `FOREIGN KEY (columns) REFERENCES referred_table (referred_columns)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referred_schema: Option<String>,
    pub referred_table: String,
    pub referred_columns: Vec<String>,
    pub ondelete: Option<String>,
    pub onupdate: Option<String>,
    pub deferrable: Option<bool>,
    pub initially: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UniqueConstraint {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckConstraint {
    pub name: Option<String>,
    /// The condition as SQL text, without the surrounding `CHECK ( )`.
    pub sqltext: String,
    /// Declared on a column (`Column(..., CheckConstraint(...))`): in the
    /// database like any other, but Alembic's `create_table` leaves it out.
    #[serde(skip)]
    pub on_column: bool,
}

/// `EXCLUDE USING method (element WITH operator, …) [WHERE (…)]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcludeConstraint {
    pub name: Option<String>,
    pub using: String,
    /// `(element, operator)` pairs; an element is a column or an expression.
    pub elements: Vec<(String, String)>,
    pub r#where: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Index {
    pub name: Option<String>,
    pub unique: bool,
    /// Column names, or SQL expressions (`lower(email)`).
    pub expressions: Vec<String>,
    /// `postgresql_where`: the predicate of a partial index.
    pub r#where: Option<String>,
    /// `postgresql_using`: `btree` (the default), `gin`, `gist`…
    pub using: Option<String>,
    /// `postgresql_ops`: an operator class for some of the columns
    /// (`{'email': 'varchar_pattern_ops'}`), in the order given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ops: Vec<(String, String)>,
    /// `postgresql_include`: columns stored in the index but not keyed
    /// (`INCLUDE (...)`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// The `postgresql_*` keywords in the order the model wrote them
    /// (`"include"`, `"ops"`, `"using"`, `"where"`): Alembic renders them
    /// so. Empty for an index not read from a model.
    #[serde(skip)]
    pub written_order: Vec<&'static str>,
    /// Read back from the database (Alembic reflects a dropped index): its
    /// keywords in reflection's order, the predicate as PostgreSQL prints
    /// it, `btree` left out.
    #[serde(skip)]
    pub reflected: bool,
}

impl Index {
    /// `postgresql_using` as rendered: reflection leaves out `btree`.
    pub fn rendered_using(&self) -> Option<&str> {
        self.using
            .as_deref()
            .filter(|u| !(self.reflected && u.eq_ignore_ascii_case("btree")))
    }

    /// `postgresql_where` as rendered: reflection gives PostgreSQL's
    /// parenthesized text.
    pub fn rendered_where(&self) -> Option<String> {
        let predicate = self.r#where.as_deref()?;
        Some(if self.reflected {
            crate::text::parenthesized(predicate)
        } else {
            predicate.to_string()
        })
    }

    /// The keyword names of the `postgresql_*` options it has, in the order
    /// Alembic renders them.
    pub fn option_order(&self) -> Vec<&'static str> {
        let given = |o: &str| match o {
            "include" => !self.include.is_empty(),
            "ops" => !self.ops.is_empty(),
            "using" => self.rendered_using().is_some(),
            _ => self.r#where.is_some(),
        };
        let order: &[&'static str] = if self.reflected {
            &["ops", "where", "using", "include"]
        } else if self.written_order.is_empty() {
            &["include", "ops", "using", "where"]
        } else {
            &self.written_order
        };
        order.iter().copied().filter(|o| given(o)).collect()
    }
}

/// `CREATE TYPE name AS ENUM (values)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumType {
    pub schema: Option<String>,
    pub name: String,
    pub values: Vec<String>,
}

impl EnumType {
    /// `postgresql.ENUM('a', 'b', name='x', schema='s')` (the values only
    /// when `with_values`: to create it, not to drop it).
    pub fn postgresql_repr(&self, with_values: bool) -> String {
        use crate::quote::py_repr;
        let mut parts: Vec<String> = if with_values {
            self.values.iter().map(|v| py_repr(v)).collect()
        } else {
            Vec::new()
        };
        parts.push(format!("name={}", py_repr(&self.name)));
        if let Some(schema) = &self.schema {
            parts.push(format!("schema={}", py_repr(schema)));
        }
        format!("postgresql.ENUM({})", parts.join(", "))
    }
}

/// `CREATE SEQUENCE name [START n] [INCREMENT n]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sequence {
    pub schema: Option<String>,
    pub name: String,
    pub start: Option<i64>,
    pub increment: Option<i64>,
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// Each pair was printed by SQLAlchemy 2.0.58:
    /// `type.compile(dialect=postgresql.dialect())`.
    #[test]
    fn types_print_as_sqlalchemy_compiles_them_for_postgresql() {
        let cases = [
            (SqlType::Integer, "INTEGER"),
            (SqlType::BigInt, "BIGINT"),
            (SqlType::SmallInt, "SMALLINT"),
            (SqlType::Varchar { length: None }, "VARCHAR"),
            (SqlType::Varchar { length: Some(50) }, "VARCHAR(50)"),
            (SqlType::Text, "TEXT"),
            (SqlType::Boolean, "BOOLEAN"),
            (
                SqlType::Timestamp {
                    timezone: false,
                    precision: None,
                },
                "TIMESTAMP WITHOUT TIME ZONE",
            ),
            (
                SqlType::Timestamp {
                    timezone: true,
                    precision: None,
                },
                "TIMESTAMP WITH TIME ZONE",
            ),
            (
                SqlType::Timestamp {
                    timezone: false,
                    precision: Some(3),
                },
                "TIMESTAMP(3) WITHOUT TIME ZONE",
            ),
            (SqlType::Date, "DATE"),
            (
                SqlType::Time {
                    timezone: false,
                    precision: None,
                },
                "TIME WITHOUT TIME ZONE",
            ),
            (
                SqlType::Time {
                    timezone: true,
                    precision: None,
                },
                "TIME WITH TIME ZONE",
            ),
            (
                SqlType::Time {
                    timezone: false,
                    precision: Some(2),
                },
                "TIME(2) WITHOUT TIME ZONE",
            ),
            (
                SqlType::Numeric {
                    precision: None,
                    scale: None,
                },
                "NUMERIC",
            ),
            (
                SqlType::Numeric {
                    precision: Some(10),
                    scale: Some(2),
                },
                "NUMERIC(10, 2)",
            ),
            (
                SqlType::Numeric {
                    precision: Some(10),
                    scale: None,
                },
                "NUMERIC(10)",
            ),
            (SqlType::Float { precision: None }, "FLOAT"),
            (
                SqlType::Float {
                    precision: Some(53),
                },
                "FLOAT(53)",
            ),
            (SqlType::DoublePrecision, "DOUBLE PRECISION"),
            (SqlType::Real, "REAL"),
            (SqlType::Json, "JSON"),
            (SqlType::Jsonb, "JSONB"),
            (SqlType::Bytea, "BYTEA"),
            (SqlType::Uuid, "UUID"),
            (
                SqlType::Interval {
                    fields: None,
                    precision: None,
                },
                "INTERVAL",
            ),
            (
                SqlType::Interval {
                    fields: Some("DAY".into()),
                    precision: None,
                },
                "INTERVAL DAY",
            ),
            (SqlType::Inet, "INET"),
            (SqlType::Cidr, "CIDR"),
            (SqlType::TsVector, "TSVECTOR"),
            (
                SqlType::Array {
                    element: Box::new(SqlType::Integer),
                    dimensions: 1,
                },
                "INTEGER[]",
            ),
            (
                SqlType::Array {
                    element: Box::new(SqlType::Varchar { length: Some(3) }),
                    dimensions: 2,
                },
                "VARCHAR(3)[][]",
            ),
            (SqlType::Char { length: Some(3) }, "CHAR(3)"),
            (SqlType::Money, "MONEY"),
            (
                SqlType::Enum {
                    schema: None,
                    name: "st".into(),
                },
                "st",
            ),
            (
                SqlType::Enum {
                    schema: Some("s".into()),
                    name: "e2".into(),
                },
                "s.e2",
            ),
            (SqlType::Bit { length: Some(3) }, "BIT(3)"),
            (SqlType::Macaddr, "MACADDR"),
            (SqlType::Oid, "OID"),
            (SqlType::Named("HSTORE".into()), "HSTORE"),
        ];
        for (ty, expected) in cases {
            assert_eq!(ty.to_string(), expected, "{ty:?}");
        }
    }

    #[test]
    fn lookups_by_name() {
        let mut users = Table {
            name: "users".into(),
            schema: Some("app".into()),
            ..Table::default()
        };
        users.columns.push(Column::new("email", SqlType::Text));
        let schema = Schema {
            tables: vec![users],
            ..Schema::default()
        };
        let table = schema.table(Some("app"), "users").unwrap();
        assert_eq!(table.qualified_name(), "app.users");
        assert!(table.column("email").unwrap().nullable);
        assert!(schema.table(None, "users").is_none());
    }
}
