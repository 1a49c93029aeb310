//! Names a `declared_attr` computes from the class it is called with:
//! the small, pure subset of Python that projects write to name tables.

use super::columns::returned_expression;
use super::*;

/// A name computed from the class in a `declared_attr`: `cls.__name__`,
/// `.lower()`, `.upper()`, `.strip()`/`.lstrip()`/`.rstrip()` and
/// `.replace()` of it, `+` and f-strings of such parts, `re.sub` and a
/// compiled pattern's `.sub` (see [`crate::python::regex`]), a helper of
/// the models whose body returns such an expression of its parameter, and
/// constants — the small, pure subset projects write.
pub(super) fn class_name_expression(
    expr: &Expr,
    values: &Values<'_>,
    functions: &Functions<'_>,
    class_name: &str,
) -> Option<String> {
    let names = Names {
        values,
        functions,
        parameter: None,
    };
    class_name_part(expr, &names, class_name, 0)
}

/// What a class-name expression can see: constants, helpers, and inside a
/// helper, its parameter's name and value.
struct Names<'n, 'a> {
    values: &'n Values<'a>,
    functions: &'n Functions<'a>,
    parameter: Option<(&'n str, &'n str)>,
}

fn class_name_part(expr: &Expr, names: &Names, class_name: &str, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let part = |e: &Expr| class_name_part(e, names, class_name, depth + 1);
    let text = |e: &Expr| constant_string(e, names.values);
    match expr {
        Expr::Attribute(attr) if attr.attr.id.as_str() == "__name__" => {
            Some(class_name.to_string())
        }
        Expr::Name(name)
            if names
                .parameter
                .is_some_and(|(parameter, _)| parameter == name.id.as_str()) =>
        {
            names.parameter.map(|(_, value)| value.to_string())
        }
        Expr::Call(call) => {
            let args = &call.arguments.args;
            if !call.arguments.keywords.is_empty() {
                return None;
            }
            match &*call.func {
                Expr::Attribute(attr) => {
                    let method = attr.attr.id.as_str();
                    if method == "sub" {
                        let (pattern, repl, subject) = match (&*attr.value, &args[..]) {
                            // `re.sub(pattern, repl, text)`.
                            (Expr::Name(n), [pattern, repl, subject]) if n.id.as_str() == "re" => {
                                (pattern, repl, subject)
                            }
                            // `PATTERN.sub(repl, text)`, `PATTERN = re.compile("...")`.
                            (compiled, [repl, subject]) => match names.values.dotted(compiled) {
                                Some(Expr::Call(compile))
                                    if dotted(&compile.func).as_deref() == Some("re.compile") =>
                                {
                                    let [pattern] = &compile.arguments.args[..] else {
                                        return None;
                                    };
                                    (pattern, repl, subject)
                                }
                                _ => return None,
                            },
                            _ => return None,
                        };
                        return Pattern::parse(&text(pattern)?)?.sub(&text(repl)?, &part(subject)?);
                    }
                    let value = part(&attr.value)?;
                    match (method, &args[..]) {
                        ("lower", []) => Some(value.to_lowercase()),
                        ("upper", []) => Some(value.to_uppercase()),
                        ("strip", []) => Some(value.trim().to_string()),
                        ("strip" | "lstrip" | "rstrip", [chars]) => {
                            let chars: Vec<char> = text(chars)?.chars().collect();
                            Some(
                                match method {
                                    "strip" => value.trim_matches(chars.as_slice()),
                                    "lstrip" => value.trim_start_matches(chars.as_slice()),
                                    _ => value.trim_end_matches(chars.as_slice()),
                                }
                                .to_string(),
                            )
                        }
                        ("replace", [old, new]) => Some(value.replace(&text(old)?, &text(new)?)),
                        _ => None,
                    }
                }
                // `snake(cls.__name__)`: a helper of one parameter that
                // returns an expression of it.
                Expr::Name(function) if names.parameter.is_none() => {
                    let def = names.functions.get(function.id.as_str())?;
                    let [argument] = &args[..] else {
                        return None;
                    };
                    let parameter =
                        match (&def.parameters.posonlyargs[..], &def.parameters.args[..]) {
                            ([only], []) | ([], [only]) => only.parameter.name.id.as_str(),
                            _ => return None,
                        };
                    let returned = returned_expression(def)?;
                    let value = part(argument)?;
                    let inner = Names {
                        values: names.values,
                        functions: names.functions,
                        parameter: Some((parameter, &value)),
                    };
                    class_name_part(returned, &inner, class_name, depth + 1)
                }
                _ => None,
            }
        }
        Expr::BinOp(binop) if binop.op == Operator::Add => {
            Some(part(&binop.left)? + &part(&binop.right)?)
        }
        Expr::FString(fstring) => fstring_value(fstring, part),
        _ => constant_string(expr, names.values),
    }
}
