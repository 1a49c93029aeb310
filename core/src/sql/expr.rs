//! SQL expressions in a canonical text form, for comparing what a model
//! declares with what PostgreSQL stores.
//!
//! PostgreSQL does not keep an expression as it was written: it stores the
//! parsed tree and prints it back with every implicit cast made explicit and
//! its own parentheses. `price >= 0` on a numeric column comes back from
//! `pg_dump` as `(price >= (0)::numeric)`, `status IN ('a', 'b')` as
//! `((status)::text = ANY ((ARRAY['a'::character varying, …])::text[]))`, a
//! default `'draft'` as `'draft'::character varying`.
//!
//! [`canonical`] prints both forms the same: casts removed, parentheses only
//! around each binary operation (so the tree shape is still compared),
//! `x = ANY (ARRAY[…])` as `x IN (…)`, identifiers unquoted, keywords and
//! function names lowercase. Removing every cast means an expression that
//! differs from another only by an explicit cast compares equal; that is the
//! price of not knowing column types here, and the same trade Alembic's
//! server-default comparison makes.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, ObjectName,
    ObjectNamePart, TrimWhereField,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// The canonical form of the SQL expression `text`; text that does not parse
/// as an expression comes back with its whitespace collapsed.
pub fn canonical(text: &str) -> String {
    let parsed = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr());
    match parsed {
        Ok(expr) => {
            let mut out = String::new();
            write(&expr, &mut out);
            out
        }
        Err(_) => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// The distinct identifiers an expression mentions (column references), in
/// order of appearance. PostgreSQL names an unnamed CHECK constraint after
/// its column when it mentions exactly one.
pub fn column_references(text: &str) -> Vec<String> {
    let Ok(expr) = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
    else {
        return Vec::new();
    };
    let mut found = Vec::new();
    collect_identifiers(&expr, &mut found);
    found
}

fn collect_identifiers(expr: &Expr, found: &mut Vec<String>) {
    let mut push = |name: &str| {
        if !found.iter().any(|f| f == name) {
            found.push(name.to_string());
        }
    };
    match expr {
        Expr::Identifier(ident) => push(&ident.value),
        Expr::CompoundIdentifier(parts) => {
            if let Some(last) = parts.last() {
                push(&last.value);
            }
        }
        Expr::Nested(e)
        | Expr::Cast { expr: e, .. }
        | Expr::UnaryOp { expr: e, .. }
        | Expr::IsNull(e)
        | Expr::IsNotNull(e)
        | Expr::IsTrue(e)
        | Expr::IsFalse(e) => collect_identifiers(e, found),
        Expr::BinaryOp { left, right, .. } | Expr::AnyOp { left, right, .. } => {
            collect_identifiers(left, found);
            collect_identifiers(right, found);
        }
        Expr::In {
            expr,
            target: InTarget::List(list),
            ..
        } => {
            collect_identifiers(expr, found);
            list.iter().for_each(|e| collect_identifiers(e, found));
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            for e in [expr, low, high] {
                collect_identifiers(e, found);
            }
        }
        Expr::Function(f) => {
            if let FunctionArguments::List(list) = &f.args {
                for arg in &list.args {
                    if let Some(e) = arg_expr(arg) {
                        collect_identifiers(e, found);
                    }
                }
            }
        }
        _ => {}
    }
}

fn arg_expr(arg: &FunctionArg) -> Option<&Expr> {
    match arg {
        FunctionArg::Unnamed(FunctionArgExpr::Expr(e))
        | FunctionArg::Named {
            arg: FunctionArgExpr::Expr(e),
            ..
        }
        | FunctionArg::ExprNamed {
            arg: FunctionArgExpr::Expr(e),
            ..
        } => Some(e),
        _ => None,
    }
}

fn write(expr: &Expr, out: &mut String) {
    match expr {
        Expr::Nested(e) | Expr::Cast { expr: e, .. } => write(e, out),
        Expr::Identifier(ident) => out.push_str(&ident.value),
        // `table.column`: a check or an index predicate names columns of
        // its own table only, and PostgreSQL prints them unqualified.
        Expr::CompoundIdentifier(parts) if parts.len() == 2 => out.push_str(&parts[1].value),
        Expr::CompoundIdentifier(parts) => {
            let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
            out.push_str(&names.join("."));
        }
        Expr::BinaryOp { left, op, right } => {
            out.push('(');
            write(left, out);
            out.push(' ');
            out.push_str(&op.to_string().to_lowercase());
            out.push(' ');
            write(right, out);
            out.push(')');
        }
        // A signed number is one constant: `-1`, whether written `- 1` or `-1`.
        Expr::UnaryOp { op, expr } if matches!(**expr, Expr::Value(_)) => {
            out.push_str(&op.to_string().to_lowercase());
            write(expr, out);
        }
        Expr::UnaryOp { op, expr } => {
            out.push_str(&op.to_string().to_lowercase());
            out.push(' ');
            write(expr, out);
        }
        Expr::IsNull(e) => suffix(e, " is null", out),
        Expr::IsNotNull(e) => suffix(e, " is not null", out),
        Expr::IsTrue(e) => suffix(e, " is true", out),
        Expr::IsFalse(e) => suffix(e, " is false", out),
        Expr::In {
            expr,
            target: InTarget::List(list),
            negated,
            ..
        } => in_list(expr, list, *negated, out),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            right,
            ..
        } if array_elements(right).is_some() => {
            in_list(left, array_elements(right).unwrap_or_default(), false, out);
        }
        // PostgreSQL stores `x BETWEEN a AND b` as `(x >= a) AND (x <= b)`,
        // and `NOT BETWEEN` as `(x < a) OR (x > b)`.
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (above, below, join) = if *negated {
                (" < ", " > ", " or ")
            } else {
                (" >= ", " <= ", " and ")
            };
            out.push_str("((");
            write(expr, out);
            out.push_str(above);
            write(low, out);
            out.push(')');
            out.push_str(join);
            out.push('(');
            write(expr, out);
            out.push_str(below);
            write(high, out);
            out.push_str("))");
        }
        Expr::Function(f)
            if matches!(f.args, FunctionArguments::List(_) | FunctionArguments::None) =>
        {
            out.push_str(&object_name(&f.name).to_lowercase());
            if let FunctionArguments::List(list) = &f.args {
                out.push('(');
                for (i, arg) in list.args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match arg_expr(arg) {
                        Some(e) => write(e, out),
                        None => out.push_str(&arg.to_string()),
                    }
                }
                out.push(')');
            }
        }
        // `substr(a, 1, 3)` and `SUBSTRING(a FROM 1 FOR 3)` are one call.
        Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            out.push_str("substr(");
            write(expr, out);
            for part in [substring_from, substring_for].into_iter().flatten() {
                out.push_str(", ");
                write(part, out);
            }
            out.push(')');
        }
        // `trim(a)` is `TRIM(BOTH a)` (PostgreSQL prints the latter).
        Expr::Trim {
            expr,
            trim_where: None | Some(TrimWhereField::Both),
            trim_what: None,
            trim_characters: None,
        } => {
            out.push_str("trim(");
            write(expr, out);
            out.push(')');
        }
        Expr::Array(array) => {
            out.push_str("array[");
            list(&array.elem, out);
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn suffix(e: &Expr, text: &str, out: &mut String) {
    out.push('(');
    write(e, out);
    out.push_str(text);
    out.push(')');
}

fn in_list(expr: &Expr, items: &[Expr], negated: bool, out: &mut String) {
    out.push('(');
    write(expr, out);
    out.push_str(if negated { " not in (" } else { " in (" });
    list(items, out);
    out.push_str("))");
}

fn list(items: &[Expr], out: &mut String) {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write(e, out);
    }
}

/// The elements of `ARRAY[…]`, looking through parentheses and casts.
fn array_elements(expr: &Expr) -> Option<&[Expr]> {
    match expr {
        Expr::Nested(e) | Expr::Cast { expr: e, .. } => array_elements(e),
        Expr::Array(array) => Some(&array.elem),
        _ => None,
    }
}

/// `schema.name` without quotes.
pub fn object_name(name: &ObjectName) -> String {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => ident.value.clone(),
            other => other.to_string(),
        })
        .collect();
    parts.join(".")
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// Left: as SQLAlchemy 2.0 compiles it; right: as PostgreSQL 15's
    /// pg_dump prints the same expression back.
    #[test]
    fn model_and_database_forms_agree() {
        let pairs = [
            ("capacity > 0", "(capacity > 0)"),
            ("price >= 0", "(price >= (0)::numeric)"),
            (
                "lifecycle_stage IN ('active', 'deleted')",
                "((lifecycle_stage)::text = ANY ((ARRAY['active'::character varying, 'deleted'::character varying])::text[]))",
            ),
            ("lower(email)", "lower((email)::text)"),
            ("'draft'", "'draft'::public.status"),
            ("'0'", "'0'::smallint"),
            ("timezone('utc', now())", "timezone('utc'::text, now())"),
            ("now()", "now()"),
            ("CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
            ("\"user\".age > 17", "(\"user\".age > 17)"),
            ("a IS NOT NULL", "(a IS NOT NULL)"),
            ("- 1", "-1"),
            ("substr(a, 1, 3)", "SUBSTR((a)::text, 1, 3)"),
            ("lower(trim(a))", "lower(TRIM(BOTH a))"),
        ];
        for (model, database) in pairs {
            assert_eq!(
                canonical(model),
                canonical(database),
                "{model} vs {database}"
            );
        }
    }

    #[test]
    fn different_trees_stay_different() {
        assert_ne!(canonical("(a + b) * c"), canonical("a + b * c"));
        assert_ne!(canonical("a > 0"), canonical("a >= 0"));
        assert_ne!(canonical("x IN (1, 2)"), canonical("x NOT IN (1, 2)"));
    }

    #[test]
    fn unparsable_text_is_kept_with_whitespace_collapsed() {
        assert_eq!(canonical("not  (sql"), "not (sql");
    }

    #[test]
    fn column_references_are_distinct_and_ordered() {
        assert_eq!(column_references("(b > a) AND (a > 0)"), ["b", "a"]);
        assert_eq!(column_references("lower(email) <> ''"), ["email"]);
    }
}
