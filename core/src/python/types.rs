//! SQLAlchemy and PostgreSQL-dialect type names → [`SqlType`].
//!
//! The argument conventions (which positional argument is the length, the
//! precision, the time-zone flag) are SQLAlchemy's constructors'.

use super::symbol::{Family, Symbol};
use crate::quote::py_repr;
use crate::schema::SqlType;

/// A literal argument of a type constructor.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i64),
    Bool(bool),
    Str(String),
    None,
}

impl Literal {
    /// The literal as Python's `repr` writes it.
    pub fn py_repr(&self) -> String {
        match self {
            Literal::Int(i) => i.to_string(),
            Literal::Bool(true) => "True".to_string(),
            Literal::Bool(false) => "False".to_string(),
            Literal::Str(s) => crate::quote::py_repr(s),
            Literal::None => "None".to_string(),
        }
    }
}

/// The literal arguments of a type call (`String(50)`, `DateTime(timezone=True)`).
#[derive(Debug, Clone, Default)]
pub struct TypeArgs {
    pub positional: Vec<Literal>,
    pub keywords: Vec<(String, Literal)>,
}

impl TypeArgs {
    /// The argument given by keyword `name`, or else the `position`-th
    /// positional argument.
    fn get(&self, position: usize, name: &str) -> Option<&Literal> {
        self.keywords
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .or_else(|| self.positional.get(position))
    }

    fn int(&self, position: usize, name: &str) -> Option<u32> {
        match self.get(position, name) {
            Some(Literal::Int(n)) => u32::try_from(*n).ok(),
            _ => None,
        }
    }

    fn flag(&self, position: usize, name: &str) -> bool {
        matches!(self.get(position, name), Some(Literal::Bool(true)))
    }

    fn text(&self, position: usize, name: &str) -> Option<String> {
        match self.get(position, name) {
            Some(Literal::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }
}

/// Type class names `from sqlalchemy import *` provides.
pub fn is_sqlalchemy_type(name: &str) -> bool {
    generic(name, &TypeArgs::default()).is_some() || matches!(name, "Enum" | "ARRAY")
}

/// The SQL type of a type class or call, other than `Enum` and `ARRAY`
/// (which the reader builds itself). `None`: not a type retort knows.
pub fn sql_type(symbol: &Symbol, args: &TypeArgs) -> Option<SqlType> {
    match symbol.family {
        Family::Sqlalchemy => generic(symbol.name, args),
        Family::Postgresql => postgresql(symbol.name, args).or_else(|| generic(symbol.name, args)),
        _ => None,
    }
}

fn generic(name: &str, args: &TypeArgs) -> Option<SqlType> {
    Some(match name {
        "Integer" | "INTEGER" | "INT" => SqlType::Integer,
        "BigInteger" | "BIGINT" => SqlType::BigInt,
        "SmallInteger" | "SMALLINT" => SqlType::SmallInt,
        "String" | "VARCHAR" | "Unicode" | "NVARCHAR" => SqlType::Varchar {
            length: args.int(0, "length"),
        },
        "CHAR" | "NCHAR" => SqlType::Char {
            length: args.int(0, "length"),
        },
        "Text" | "TEXT" | "UnicodeText" => SqlType::Text,
        "Boolean" | "BOOLEAN" => SqlType::Boolean,
        "DateTime" => SqlType::Timestamp {
            timezone: args.flag(0, "timezone"),
            precision: None,
        },
        "TIMESTAMP" => SqlType::Timestamp {
            timezone: args.flag(0, "timezone"),
            precision: args.int(1, "precision"),
        },
        "Date" | "DATE" => SqlType::Date,
        "Time" | "TIME" => SqlType::Time {
            timezone: args.flag(0, "timezone"),
            precision: args.int(1, "precision"),
        },
        "Interval" => SqlType::Interval {
            fields: None,
            precision: None,
        },
        "Numeric" | "NUMERIC" => SqlType::Numeric {
            precision: args.int(0, "precision"),
            scale: args.int(1, "scale"),
        },
        "Float" | "FLOAT" => SqlType::Float {
            precision: args.int(0, "precision"),
        },
        "REAL" => SqlType::Real,
        "Double" | "DOUBLE_PRECISION" => SqlType::DoublePrecision,
        "JSON" => SqlType::Json,
        "LargeBinary" | "PickleType" => SqlType::Bytea,
        "Uuid" | "UUID" => SqlType::Uuid,
        _ => return None,
    })
}

fn postgresql(name: &str, args: &TypeArgs) -> Option<SqlType> {
    Some(match name {
        "JSONB" => SqlType::Jsonb,
        "BYTEA" => SqlType::Bytea,
        "INET" => SqlType::Inet,
        "CIDR" => SqlType::Cidr,
        "MACADDR" => SqlType::Macaddr,
        "MONEY" => SqlType::Money,
        "OID" => SqlType::Oid,
        "TSVECTOR" => SqlType::TsVector,
        "BIT" => SqlType::Bit {
            length: args.int(0, "length"),
        },
        "INTERVAL" => SqlType::Interval {
            precision: args.int(0, "precision"),
            fields: args.text(1, "fields"),
        },
        "HSTORE" | "CITEXT" | "MACADDR8" | "TSQUERY" | "REGCLASS" | "INT4RANGE" | "INT8RANGE"
        | "NUMRANGE" | "DATERANGE" | "TSRANGE" | "TSTZRANGE" | "INT4MULTIRANGE"
        | "INT8MULTIRANGE" | "NUMMULTIRANGE" | "DATEMULTIRANGE" | "TSMULTIRANGE"
        | "TSTZMULTIRANGE" => SqlType::Named(name.to_string()),
        _ => return None,
    })
}

/// SQLAlchemy 2.0's default `type_annotation_map`: the SQL type of a
/// `Mapped[...]` annotation's Python type.
pub fn python_default(symbol: &Symbol) -> Option<SqlType> {
    if symbol.family != Family::Python {
        return None;
    }
    Some(match (symbol.module, symbol.name) {
        ("builtins", "int") => SqlType::Integer,
        ("builtins", "str") => SqlType::Varchar { length: None },
        ("builtins", "float") => SqlType::Float { precision: None },
        ("builtins", "bool") => SqlType::Boolean,
        ("builtins", "bytes") => SqlType::Bytea,
        ("datetime", "datetime") => SqlType::Timestamp {
            timezone: false,
            precision: None,
        },
        ("datetime", "date") => SqlType::Date,
        ("datetime", "time") => SqlType::Time {
            timezone: false,
            precision: None,
        },
        ("datetime", "timedelta") => SqlType::Interval {
            fields: None,
            precision: None,
        },
        ("decimal", "Decimal") => SqlType::Numeric {
            precision: None,
            scale: None,
        },
        ("uuid", "UUID") => SqlType::Uuid,
        _ => return None,
    })
}

/// A constructor parameter's default, as SQLAlchemy's `generic_repr`
/// compares it with the value given.
#[derive(Clone, Copy)]
enum Default {
    None,
    Bool(bool),
}

impl Default {
    fn is(self, value: &Literal) -> bool {
        matches!(
            (self, value),
            (Default::None, Literal::None) | (Default::Bool(_), Literal::None)
        ) || matches!((self, value), (Default::Bool(d), Literal::Bool(v)) if d == *v)
    }
}

const LENGTH: &[(&str, Default)] = &[("length", Default::None), ("collation", Default::None)];
const TIMEZONE: &[(&str, Default)] = &[("timezone", Default::Bool(false))];
const PG_TIME: &[(&str, Default)] = &[
    ("timezone", Default::Bool(false)),
    ("precision", Default::None),
];
const NUMERIC: &[(&str, Default)] = &[
    ("precision", Default::None),
    ("scale", Default::None),
    ("decimal_return_scale", Default::None),
    ("asdecimal", Default::Bool(true)),
];
const FLOAT: &[(&str, Default)] = &[
    ("precision", Default::None),
    ("asdecimal", Default::Bool(false)),
    ("decimal_return_scale", Default::None),
];
const BOOLEAN: &[(&str, Default)] = &[
    ("create_constraint", Default::Bool(false)),
    ("name", Default::None),
];
const NONE: &[(&str, Default)] = &[];

/// The module prefix, class name and constructor parameters of a type, as
/// Alembic prints it (`sa.String`, `postgresql.JSONB`). SQLAlchemy re-exports
/// some generic types from the PostgreSQL dialect (`postgresql.UUID` is
/// `sa.UUID`); those print as `sa.`.
type Params = &'static [(&'static str, Default)];
type Class = (&'static str, &'static str, Params);

fn pg(name: &'static str, params: Params) -> Option<Class> {
    Some(("postgresql.", name, params))
}

fn sa(name: &'static str, params: Params) -> Option<Class> {
    Some(("sa.", name, params))
}

fn type_class(symbol: &Symbol) -> Option<Class> {
    let dialect = symbol.family == Family::Postgresql;
    if dialect {
        match symbol.name {
            "JSON" => return pg("JSON", &[("none_as_null", Default::Bool(false))]),
            "JSONB" => return pg("JSONB", &[("none_as_null", Default::Bool(false))]),
            "BYTEA" => return pg("BYTEA", &[("length", Default::None)]),
            "INET" => return pg("INET", NONE),
            "CIDR" => return pg("CIDR", NONE),
            "MACADDR" => return pg("MACADDR", NONE),
            "MACADDR8" => return pg("MACADDR8", NONE),
            "MONEY" => return pg("MONEY", NONE),
            "OID" => return pg("OID", NONE),
            "TSVECTOR" => return pg("TSVECTOR", NONE),
            "TSQUERY" => return pg("TSQUERY", NONE),
            "CITEXT" => return pg("CITEXT", NONE),
            "INT4RANGE" => return pg("INT4RANGE", NONE),
            "INT8RANGE" => return pg("INT8RANGE", NONE),
            "NUMRANGE" => return pg("NUMRANGE", NONE),
            "DATERANGE" => return pg("DATERANGE", NONE),
            "TSRANGE" => return pg("TSRANGE", NONE),
            "TSTZRANGE" => return pg("TSTZRANGE", NONE),
            "BIT" => {
                return pg(
                    "BIT",
                    &[("length", Default::None), ("varying", Default::Bool(false))],
                );
            }
            "INTERVAL" => {
                return pg(
                    "INTERVAL",
                    &[("precision", Default::None), ("fields", Default::None)],
                );
            }
            "TIMESTAMP" => return pg("TIMESTAMP", PG_TIME),
            "TIME" => return pg("TIME", PG_TIME),
            _ => {}
        }
    }
    match symbol.name {
        "Integer" => sa("Integer", NONE),
        "INTEGER" | "INT" => sa("INTEGER", NONE),
        "BigInteger" => sa("BigInteger", NONE),
        "BIGINT" => sa("BIGINT", NONE),
        "SmallInteger" => sa("SmallInteger", NONE),
        "SMALLINT" => sa("SMALLINT", NONE),
        "String" => sa("String", LENGTH),
        "VARCHAR" => sa("VARCHAR", LENGTH),
        "NVARCHAR" => sa("NVARCHAR", LENGTH),
        "Unicode" => sa("Unicode", &[("length", Default::None)]),
        "CHAR" => sa("CHAR", LENGTH),
        "NCHAR" => sa("NCHAR", LENGTH),
        "Text" => sa("Text", LENGTH),
        "TEXT" => sa("TEXT", LENGTH),
        "UnicodeText" => sa("UnicodeText", &[("length", Default::None)]),
        "Boolean" => sa("Boolean", BOOLEAN),
        "BOOLEAN" => sa("BOOLEAN", BOOLEAN),
        "DateTime" => sa("DateTime", TIMEZONE),
        "TIMESTAMP" => sa("TIMESTAMP", TIMEZONE),
        "Date" => sa("Date", NONE),
        "DATE" => sa("DATE", NONE),
        "Time" => sa("Time", TIMEZONE),
        "TIME" => sa("TIME", TIMEZONE),
        "Interval" => sa(
            "Interval",
            &[
                ("native", Default::Bool(true)),
                ("second_precision", Default::None),
                ("day_precision", Default::None),
            ],
        ),
        "Numeric" => sa("Numeric", NUMERIC),
        "NUMERIC" => sa("NUMERIC", NUMERIC),
        "Float" => sa("Float", FLOAT),
        "FLOAT" => sa("FLOAT", FLOAT),
        "REAL" => sa("REAL", FLOAT),
        "Double" => sa("Double", FLOAT),
        "DOUBLE_PRECISION" => sa("DOUBLE_PRECISION", FLOAT),
        "JSON" => sa("JSON", &[("none_as_null", Default::Bool(false))]),
        "LargeBinary" => sa("LargeBinary", &[("length", Default::None)]),
        "Uuid" => sa(
            "Uuid",
            &[
                ("as_uuid", Default::Bool(true)),
                ("native_uuid", Default::Bool(true)),
            ],
        ),
        "UUID" => sa("UUID", &[("as_uuid", Default::Bool(true))]),
        _ => None,
    }
}

/// A literal as Python prints it.
pub fn literal_repr(value: &Literal) -> String {
    match value {
        Literal::Int(n) => n.to_string(),
        Literal::Bool(true) => "True".into(),
        Literal::Bool(false) => "False".into(),
        Literal::Str(s) => py_repr(s),
        Literal::None => "None".into(),
    }
}

/// How Alembic renders a type in a revision (`sa.String(length=50)`,
/// `postgresql.JSONB(astext_type=sa.Text())`): SQLAlchemy's `generic_repr`
/// — the constructor's arguments that differ from their defaults, by
/// keyword, in signature order — with Alembic's module prefix. Not for
/// `Enum` and `ARRAY`, which the reader renders itself.
pub fn type_repr(symbol: &Symbol, args: &TypeArgs) -> Option<String> {
    let (prefix, name, params) = type_class(symbol)?;
    let mut shown: Vec<String> = params
        .iter()
        .enumerate()
        .filter_map(|(i, (param, default))| {
            let value = args.get(i, param)?;
            (!default.is(value)).then(|| format!("{param}={}", literal_repr(value)))
        })
        .collect();
    if prefix == "postgresql." && matches!(name, "JSON" | "JSONB") {
        shown.push("astext_type=sa.Text()".into());
    }
    Some(format!("{prefix}{name}({})", shown.join(", ")))
}

/// The repr of the type SQLAlchemy's default `type_annotation_map` gives a
/// Python type.
pub fn python_default_repr(symbol: &Symbol) -> Option<&'static str> {
    if symbol.family != Family::Python {
        return None;
    }
    Some(match (symbol.module, symbol.name) {
        ("builtins", "int") => "sa.Integer()",
        ("builtins", "str") => "sa.String()",
        ("builtins", "float") => "sa.Float()",
        ("builtins", "bool") => "sa.Boolean()",
        ("builtins", "bytes") => "sa.LargeBinary()",
        ("datetime", "datetime") => "sa.DateTime()",
        ("datetime", "date") => "sa.Date()",
        ("datetime", "time") => "sa.Time()",
        ("datetime", "timedelta") => "sa.Interval()",
        ("decimal", "Decimal") => "sa.Numeric()",
        ("uuid", "UUID") => "sa.Uuid()",
        _ => return None,
    })
}
