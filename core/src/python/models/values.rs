//! What an expression's value is without running Python: literals,
//! keyword arguments, and module-level constants followed by name.

use ruff_python_ast::{ConversionFlag, ExprFString, FStringPart, InterpolatedStringElement};

use super::*;

/// The value of keyword argument `name`.
pub(crate) fn keyword<'e>(arguments: &'e Arguments, name: &str) -> Option<&'e Expr> {
    arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == name))
        .map(|k| &k.value)
}

/// A string literal's value.
pub(crate) fn string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

/// The `postgresql_*` index keywords of `arguments`, in their order.
pub(crate) fn written_order(arguments: &Arguments) -> Vec<&'static str> {
    arguments
        .keywords
        .iter()
        .filter_map(|k| match k.arg.as_ref()?.id.as_str() {
            "postgresql_include" => Some("include"),
            "postgresql_ops" => Some("ops"),
            "postgresql_using" => Some("using"),
            "postgresql_where" => Some("where"),
            _ => None,
        })
        .collect()
}

/// A list or tuple of string literals (`postgresql_include=['a', 'b']`).
pub(crate) fn string_list(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::List(l) => l.elts.iter().map(string).collect(),
        Expr::Tuple(t) => t.elts.iter().map(string).collect(),
        _ => None,
    }
}

/// A dict of string literals, in its order (`postgresql_ops={'a': 'x'}`).
pub(crate) fn string_pairs(expr: &Expr) -> Option<Vec<(String, String)>> {
    let Expr::Dict(dict) = expr else {
        return None;
    };
    dict.items
        .iter()
        .map(|item| Some((string(item.key.as_ref()?)?, string(&item.value)?)))
        .collect()
}

pub(super) fn boolean(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::BooleanLiteral(b) => Some(b.value),
        _ => None,
    }
}

pub(super) fn integer(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(n) => match &n.value {
            Number::Int(i) => i.as_i64(),
            _ => None,
        },
        Expr::UnaryOp(u) if u.op == UnaryOp::USub => integer(&u.operand).map(|i| -i),
        _ => None,
    }
}

/// Module-level `name = value` assignments, for constants, and those
/// reached by a dotted name (`Class.NAME`, `module.NAME`).
#[derive(Debug, Clone, Default)]
pub(super) struct Values<'a> {
    map: HashMap<String, &'a Expr>,
    /// The first names of the dotted keys: an attribute chain that starts
    /// with none of them is no constant, and its name is never built.
    prefixes: HashSet<String>,
}

impl<'a> Values<'a> {
    pub(super) fn contains_key(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub(super) fn insert(&mut self, name: String, value: &'a Expr) -> Option<&'a Expr> {
        if let Some((first, _)) = name.split_once('.')
            && !self.prefixes.contains(first)
        {
            self.prefixes.insert(first.to_string());
        }
        self.map.insert(name, value)
    }

    pub(super) fn remove(&mut self, name: &str) -> Option<&'a Expr> {
        self.map.remove(name)
    }

    /// The value a name or a chain of names (`Lengths.NAME`,
    /// `schemas.core.NAME`) is bound to.
    pub(super) fn dotted(&self, expr: &Expr) -> Option<&'a Expr> {
        let mut first = expr;
        while let Expr::Attribute(a) = first {
            first = &a.value;
        }
        match (expr, first) {
            (Expr::Name(name), _) => self.map.get(name.id.as_str()).copied(),
            (_, Expr::Name(name)) if self.prefixes.contains(name.id.as_str()) => {
                self.map.get(&dotted(expr)?).copied()
            }
            _ => None,
        }
    }
}

impl<'a> FromIterator<(String, &'a Expr)> for Values<'a> {
    fn from_iter<I: IntoIterator<Item = (String, &'a Expr)>>(items: I) -> Self {
        let mut values = Values::default();
        for (name, value) in items {
            values.insert(name, value);
        }
        values
    }
}

/// The value of a constant expression, as Python would compute it at import:
/// literals, module-level names bound to constants (`ID_LEN = 250`), `+`,
/// `-`, `*` on them (`TABLE_PREFIX + "role"`, `SHORT * 3`), and f-strings of
/// them without format specs (`f"ix_{TABLE}_email"`).
pub(super) fn evaluate(expr: &Expr, values: &Values<'_>, depth: usize) -> Option<Literal> {
    if depth > 32 {
        return None;
    }
    match expr {
        Expr::StringLiteral(_) => string(expr).map(Literal::Str),
        Expr::BooleanLiteral(b) => Some(Literal::Bool(b.value)),
        Expr::NoneLiteral(_) => Some(Literal::None),
        Expr::Name(_) | Expr::Attribute(_) => evaluate(values.dotted(expr)?, values, depth + 1),
        Expr::BinOp(binop) => {
            let left = evaluate(&binop.left, values, depth + 1)?;
            let right = evaluate(&binop.right, values, depth + 1)?;
            match (left, binop.op, right) {
                (Literal::Str(a), Operator::Add, Literal::Str(b)) => Some(Literal::Str(a + &b)),
                (Literal::Int(a), Operator::Add, Literal::Int(b)) => {
                    a.checked_add(b).map(Literal::Int)
                }
                (Literal::Int(a), Operator::Sub, Literal::Int(b)) => {
                    a.checked_sub(b).map(Literal::Int)
                }
                (Literal::Int(a), Operator::Mult, Literal::Int(b)) => {
                    a.checked_mul(b).map(Literal::Int)
                }
                _ => None,
            }
        }
        // `str(LIMIT)`.
        Expr::Call(call)
            if matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "str")
                && call.arguments.args.len() == 1
                && call.arguments.keywords.is_empty() =>
        {
            match evaluate(&call.arguments.args[0], values, depth + 1)? {
                Literal::Str(text) => Some(Literal::Str(text)),
                Literal::Int(number) => Some(Literal::Str(number.to_string())),
                _ => None,
            }
        }
        Expr::FString(fstring) => {
            fstring_value(fstring, |part| match evaluate(part, values, depth + 1)? {
                Literal::Str(text) => Some(text),
                Literal::Int(number) => Some(number.to_string()),
                _ => None,
            })
            .map(Literal::Str)
        }
        _ => integer(expr).map(Literal::Int),
    }
}

/// `a.b.c` of a chain of names, as written.
pub(super) fn dotted(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(a) => Some(format!("{}.{}", dotted(&a.value)?, a.attr.id.as_str())),
        _ => None,
    }
}

/// A constant string (a literal, or a module-level constant).
pub(super) fn constant_string(expr: &Expr, values: &Values<'_>) -> Option<String> {
    match evaluate(expr, values, 0)? {
        Literal::Str(s) => Some(s),
        _ => None,
    }
}

pub(super) fn type_args(arguments: &Arguments, values: &Values<'_>) -> TypeArgs {
    TypeArgs {
        positional: arguments
            .args
            .iter()
            .filter_map(|a| evaluate(a, values, 0))
            .collect(),
        keywords: arguments
            .keywords
            .iter()
            .filter_map(|k| {
                Some((
                    k.arg.as_ref()?.id.as_str().to_string(),
                    evaluate(&k.value, values, 0)?,
                ))
            })
            .collect(),
    }
}

/// An f-string's text, each `{part}` given by `part` (without a format
/// spec, a `!r`/`!a` conversion or a `=`: those are not evaluated).
pub(super) fn fstring_value(
    fstring: &ExprFString,
    mut part: impl FnMut(&Expr) -> Option<String>,
) -> Option<String> {
    let mut out = String::new();
    for piece in fstring.value.iter() {
        match piece {
            FStringPart::Literal(literal) => out.push_str(&literal.value),
            FStringPart::FString(inner) => {
                for element in inner.elements.iter() {
                    match element {
                        InterpolatedStringElement::Literal(literal) => out.push_str(&literal.value),
                        InterpolatedStringElement::Interpolation(value)
                            if value.debug_text.is_none()
                                && value.format_spec.is_none()
                                && matches!(
                                    value.conversion,
                                    ConversionFlag::None | ConversionFlag::Str
                                ) =>
                        {
                            out.push_str(&part(&value.expression)?);
                        }
                        InterpolatedStringElement::Interpolation(_) => return None,
                    }
                }
            }
        }
    }
    Some(out)
}
