//! PostgreSQL type names (as written in DDL or printed by `pg_dump`) → the
//! schema IR's [`SqlType`].

use sqlparser::ast::{ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, TimezoneInfo};

use super::expr::object_name;
use crate::schema::SqlType;

/// What a column's declared type means.
#[derive(Debug, Clone)]
pub struct ColumnType {
    pub ty: SqlType,
    /// `serial`, `bigserial`, `smallserial`: an integer fed by an owned
    /// sequence.
    pub serial: bool,
}

pub fn column_type(data_type: &DataType) -> ColumnType {
    if let DataType::Custom(name, modifiers) = data_type
        && modifiers.is_empty()
    {
        let serial = match object_name(name).to_ascii_lowercase().as_str() {
            "serial" | "serial4" => Some(SqlType::Integer),
            "bigserial" | "serial8" => Some(SqlType::BigInt),
            "smallserial" | "serial2" => Some(SqlType::SmallInt),
            _ => None,
        };
        if let Some(ty) = serial {
            return ColumnType { ty, serial: true };
        }
    }
    ColumnType {
        ty: sql_type(data_type),
        serial: false,
    }
}

fn small(n: Option<u64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

fn char_length(length: &Option<CharacterLength>) -> Option<u32> {
    match length {
        Some(CharacterLength::IntegerLength { length, .. }) => small(Some(*length)),
        _ => None,
    }
}

fn zone(tz: &TimezoneInfo) -> bool {
    matches!(tz, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz)
}

pub fn sql_type(data_type: &DataType) -> SqlType {
    match data_type {
        DataType::SmallInt(_) | DataType::Int2(_) => SqlType::SmallInt,
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => SqlType::Integer,
        DataType::BigInt(_) | DataType::Int8(_) => SqlType::BigInt,
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => {
            let (precision, scale) = match info {
                ExactNumberInfo::None => (None, None),
                ExactNumberInfo::Precision(p) => (small(Some(*p)), None),
                ExactNumberInfo::PrecisionAndScale(p, s) => {
                    (small(Some(*p)), u32::try_from(*s).ok())
                }
            };
            SqlType::Numeric { precision, scale }
        }
        DataType::Float(info) => match info {
            ExactNumberInfo::Precision(p) => SqlType::Float {
                precision: small(Some(*p)),
            },
            _ => SqlType::Float { precision: None },
        },
        DataType::Real | DataType::Float4 => SqlType::Real,
        DataType::DoublePrecision | DataType::Float8 | DataType::Double(_) => {
            SqlType::DoublePrecision
        }
        DataType::Varchar(length)
        | DataType::CharacterVarying(length)
        | DataType::CharVarying(length) => SqlType::Varchar {
            length: char_length(length),
        },
        DataType::Char(length) | DataType::Character(length) => SqlType::Char {
            length: char_length(length),
        },
        DataType::Text => SqlType::Text,
        DataType::Bool | DataType::Boolean => SqlType::Boolean,
        DataType::Date => SqlType::Date,
        DataType::Time(precision, tz) => SqlType::Time {
            timezone: zone(tz),
            precision: small(*precision),
        },
        DataType::Timestamp(precision, tz) => SqlType::Timestamp {
            timezone: zone(tz),
            precision: small(*precision),
        },
        DataType::Interval { fields, precision } => SqlType::Interval {
            fields: fields.as_ref().map(|f| f.to_string().to_uppercase()),
            precision: small(*precision),
        },
        DataType::JSON => SqlType::Json,
        DataType::JSONB => SqlType::Jsonb,
        DataType::Bytea => SqlType::Bytea,
        DataType::Uuid => SqlType::Uuid,
        DataType::TsVector => SqlType::TsVector,
        DataType::Bit(length) => SqlType::Bit {
            length: small(*length),
        },
        DataType::Array(element) => match element {
            ArrayElemTypeDef::SquareBracket(inner, _)
            | ArrayElemTypeDef::AngleBracket(inner)
            | ArrayElemTypeDef::Parenthesis(inner) => match sql_type(inner) {
                SqlType::Array {
                    element,
                    dimensions,
                } => SqlType::Array {
                    element,
                    dimensions: dimensions + 1,
                },
                inner => SqlType::Array {
                    element: Box::new(inner),
                    dimensions: 1,
                },
            },
            _ => SqlType::Named(data_type.to_string()),
        },
        DataType::Custom(name, modifiers) if modifiers.is_empty() => custom(&object_name(name)),
        other => SqlType::Named(other.to_string().to_uppercase()),
    }
}

/// Names sqlparser leaves as custom types: PostgreSQL's own aliases, the
/// network and text-search types, and user types (enums are resolved once
/// the whole script is read).
fn custom(name: &str) -> SqlType {
    match name.to_ascii_lowercase().as_str() {
        "int4" => SqlType::Integer,
        "int8" => SqlType::BigInt,
        "int2" => SqlType::SmallInt,
        "float4" => SqlType::Real,
        "float8" => SqlType::DoublePrecision,
        "bool" => SqlType::Boolean,
        "timestamptz" => SqlType::Timestamp {
            timezone: true,
            precision: None,
        },
        "timetz" => SqlType::Time {
            timezone: true,
            precision: None,
        },
        "inet" => SqlType::Inet,
        "cidr" => SqlType::Cidr,
        "macaddr" => SqlType::Macaddr,
        "money" => SqlType::Money,
        "oid" => SqlType::Oid,
        "tsvector" => SqlType::TsVector,
        "bpchar" => SqlType::Char { length: None },
        _ => SqlType::Named(name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    use super::*;

    fn parse(text: &str) -> DataType {
        Parser::new(&PostgreSqlDialect {})
            .try_with_sql(text)
            .and_then(|mut p| p.parse_data_type())
            .unwrap()
    }

    /// pg_dump's spelling (PostgreSQL's `format_type`) on the left; the type
    /// SQLAlchemy prints for the same column on the right.
    #[test]
    fn pg_dump_types_read_as_sqlalchemy_prints_them() {
        let cases = [
            ("integer", "INTEGER"),
            ("bigint", "BIGINT"),
            ("smallint", "SMALLINT"),
            ("character varying(200)", "VARCHAR(200)"),
            ("character varying", "VARCHAR"),
            ("character(3)", "CHAR(3)"),
            ("text", "TEXT"),
            ("boolean", "BOOLEAN"),
            ("numeric(10,2)", "NUMERIC(10, 2)"),
            ("double precision", "DOUBLE PRECISION"),
            ("real", "REAL"),
            ("timestamp with time zone", "TIMESTAMP WITH TIME ZONE"),
            (
                "timestamp(3) without time zone",
                "TIMESTAMP(3) WITHOUT TIME ZONE",
            ),
            ("time without time zone", "TIME WITHOUT TIME ZONE"),
            ("date", "DATE"),
            ("interval", "INTERVAL"),
            ("jsonb", "JSONB"),
            ("json", "JSON"),
            ("uuid", "UUID"),
            ("bytea", "BYTEA"),
            ("inet", "INET"),
            ("cidr", "CIDR"),
            ("tsvector", "TSVECTOR"),
            ("text[]", "TEXT[]"),
            ("integer[][]", "INTEGER[][]"),
            ("bit(3)", "BIT(3)"),
            ("money", "MONEY"),
            ("timestamptz", "TIMESTAMP WITH TIME ZONE"),
            ("int8", "BIGINT"),
        ];
        for (pg, sqlalchemy) in cases {
            assert_eq!(sql_type(&parse(pg)).to_string(), sqlalchemy, "{pg}");
        }
    }

    #[test]
    fn serial_types_are_integers_with_a_sequence() {
        let bigserial = column_type(&parse("bigserial"));
        assert!(bigserial.serial);
        assert_eq!(bigserial.ty, SqlType::BigInt);
        assert!(!column_type(&parse("integer")).serial);
    }
}
