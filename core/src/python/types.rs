//! SQLAlchemy and PostgreSQL-dialect type names → [`SqlType`].
//!
//! The argument conventions (which positional argument is the length, the
//! precision, the time-zone flag) are SQLAlchemy's constructors'.

use super::resolve::{Family, Symbol};
use crate::schema::SqlType;

/// A literal argument of a type constructor.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Int(i64),
    Bool(bool),
    Str(String),
    None,
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
