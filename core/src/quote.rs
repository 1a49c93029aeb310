//! Quoting: text as it must be spelled inside SQL and Python source.
//!
//! The renderers, the op IR and the readers all need the same three
//! spellings (an identifier as SQLAlchemy quotes it, a SQL string literal,
//! Python's `repr()` of a string); they live here, below everything that
//! uses them.

/// PostgreSQL's reserved words, as SQLAlchemy's PostgreSQL dialect lists
/// them: an identifier spelled like one is quoted.
const RESERVED: [&str; 102] = [
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "of",
    "off",
    "offset",
    "old",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// A name with its schema (if any), each part as [`ident`] writes it.
pub fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", ident(schema), ident(name)),
        None => ident(name),
    }
}

/// An identifier as SQLAlchemy writes it: bare when it is lower case
/// letters, digits, `_` and `$`, starts with neither a digit nor `$`, and
/// is no reserved word; otherwise in double quotes.
pub fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && name
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && c != '$')
        && RESERVED.binary_search(&name).is_err();
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A SQL string literal.
pub fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Python's `repr()` of a string: single quotes unless the text has a single
/// quote and no double quote; backslashes and control characters escaped.
pub fn py_repr(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn strings_repr_as_python_does() {
        assert_eq!(super::py_repr("abc"), "'abc'");
        assert_eq!(super::py_repr("it's"), "\"it's\"");
        assert_eq!(super::py_repr("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(super::py_repr("a\\b\n"), "'a\\\\b\\n'");
    }

    #[test]
    fn identifiers_are_quoted_only_when_postgresql_would_misread_them() {
        assert!(RESERVED.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(ident("users"), "users");
        assert_eq!(ident("user"), "\"user\"");
        assert_eq!(ident("Grant"), "\"Grant\"");
        assert_eq!(ident("2fa"), "\"2fa\"");
        assert_eq!(ident("a b"), "\"a b\"");
        assert_eq!(ident("say\"hi"), "\"say\"\"hi\"");
        assert_eq!(ident("price$"), "price$");
        assert_eq!(literal("it's"), "'it''s'");
    }
}
