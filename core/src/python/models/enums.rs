//! Enums: Python `enum.Enum` classes used as column types, `sa.Enum(...)`
//! and `postgresql.ENUM(...)` calls (names, `values_callable`, schemas),
//! and the enum types the schema gets.

use super::*;

impl<'a> ModelReader<'a> {
    /// An `enum.Enum` subclass, directly or through classes of the models
    /// (`class Status(AutoEnum)`, `class AutoEnum(str, Enum)`).
    pub(super) fn is_enum_class(&self, class: &StmtClassDef) -> bool {
        self.is_enum_class_at(class, 0)
    }

    fn is_enum_class_at(&self, class: &StmtClassDef, depth: usize) -> bool {
        depth < 8
            && bases(class).iter().any(|b| {
                self.symbol(b).is_some_and(|s| {
                    s.family == Family::Enum && matches!(s.name, "Enum" | "StrEnum" | "IntEnum")
                }) || self
                    .local_class(b)
                    .is_some_and(|parent| self.is_enum_class_at(parent, depth + 1))
            })
    }

    pub(super) fn register_enum(
        &mut self,
        schema: Option<String>,
        name: &str,
        values: Vec<String>,
    ) -> SqlType {
        if !self
            .enums
            .iter()
            .any(|e| e.name == name && e.schema == schema)
        {
            self.enums.push(EnumType {
                schema: schema.clone(),
                name: name.to_string(),
                values,
            });
        }
        SqlType::Enum {
            schema,
            name: name.to_string(),
        }
    }

    /// `Enum(PyEnum)`, `Enum("a", "b", name="x")`, with `native_enum`.
    pub(super) fn enum_type(
        &mut self,
        expr: &Expr,
        arguments: Option<&Arguments>,
        prefix: &str,
    ) -> Typed {
        let Some(arguments) = arguments else {
            self.error(
                expr,
                "Enum needs its values",
                "Enum(MyEnum) or Enum(\"a\", \"b\", name=\"x\")",
            );
            return (SqlType::Named("NULL".into()), "sa.NullType()".into());
        };
        let explicit_name = keyword(arguments, "name").and_then(string);
        let class_key = arguments.args.first().and_then(|a| self.enum_class_key(a));
        let (values, class_name) = match &class_key {
            Some(key) => (
                self.py_enums[key.as_str()].clone(),
                // SQLAlchemy names the type after the class, lower case.
                Some(key.rsplit('.').next().unwrap_or(key).to_lowercase()),
            ),
            _ => {
                let values: Option<Vec<String>> = arguments.args.iter().map(string).collect();
                match values {
                    Some(values) => (values, None),
                    None => {
                        self.error(
                            expr,
                            "Enum values not read: retort reads string values, or an enum class of the models (this file or a module it imports)",
                            "pass the values as strings, or read the file inside its package so the enum class's module is read too",
                        );
                        (Vec::new(), None)
                    }
                }
            }
        };
        let mut values = values;
        if let Some(callable) = keyword(arguments, "values_callable") {
            let member_values = match (&class_key, is_member_values(callable)) {
                (Some(key), true) => self.py_enum_values.get(key.as_str()).cloned(),
                _ => None,
            };
            match member_values {
                Some(member_values) => values = member_values,
                None => self.warning(
                    callable,
                    "values_callable is not evaluated; the enum's member names are used",
                    "retort reads `lambda e: [m.value for m in e]` over an enum whose values are strings",
                ),
            }
        }
        let native = keyword(arguments, "native_enum")
            .and_then(boolean)
            .unwrap_or(true);
        let name = explicit_name.or(class_name);
        let schema = keyword(arguments, "schema").and_then(string);
        let longest = values.iter().map(|v| v.chars().count()).max().unwrap_or(0);
        let longest = u32::try_from(longest).unwrap_or(u32::MAX);
        let given_length = keyword(arguments, "length")
            .and_then(integer)
            .and_then(|l| u32::try_from(l).ok());
        let mut repr = enum_repr(
            prefix,
            &values,
            name.as_deref(),
            schema.as_deref(),
            native,
            given_length.filter(|l| *l != longest),
        );
        // `postgresql.ENUM(..., create_type=False)`: a type create_table
        // must not create. SQLAlchemy's repr (so Alembic's revision) leaves
        // it out; retort keeps it for the SQL and drops it where it renders
        // as Alembic does (`diff`).
        if prefix == "postgresql."
            && keyword(arguments, "create_type").and_then(boolean) == Some(false)
            && let Some(open) = repr.strip_suffix(')')
        {
            repr = format!("{open}{}", crate::schema::NO_CREATE_TYPE);
        }
        if !native {
            let length = given_length.unwrap_or(longest);
            return (
                SqlType::Varchar {
                    length: Some(length),
                },
                repr,
            );
        }
        let Some(name) = name else {
            self.error(
                expr,
                "a PostgreSQL enum needs a name",
                "add name=\"...\" to Enum(...)",
            );
            return (SqlType::Named("NULL".into()), repr);
        };
        (self.register_enum(schema, &name, values), repr)
    }
}

pub(super) fn enum_members(class: &StmtClassDef) -> Vec<String> {
    class
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] if !n.id.as_str().starts_with('_') => {
                    Some(n.id.as_str().to_string())
                }
                _ => None,
            },
            Stmt::AnnAssign(a) if a.value.is_some() => match &*a.target {
                Expr::Name(n) if !n.id.as_str().starts_with('_') => Some(n.id.as_str().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// `sa.Enum('a', 'b', name='x', schema='s', native_enum=False, length=20)`:
/// SQLAlchemy's `Enum.__repr__` (values, then what differs from the
/// defaults).
pub(super) fn enum_repr(
    prefix: &str,
    values: &[String],
    name: Option<&str>,
    schema: Option<&str>,
    native: bool,
    length: Option<u32>,
) -> String {
    let mut parts: Vec<String> = values.iter().map(|v| py_repr(v)).collect();
    if let Some(name) = name {
        parts.push(format!("name={}", py_repr(name)));
    }
    if let Some(schema) = schema {
        parts.push(format!("schema={}", py_repr(schema)));
    }
    if !native {
        parts.push("native_enum=False".into());
    }
    if let Some(length) = length {
        parts.push(format!("length={length}"));
    }
    let class = if prefix == "postgresql." {
        "ENUM"
    } else {
        "Enum"
    };
    format!("{prefix}{class}({})", parts.join(", "))
}

/// The string values of an enum class's members, if every one is a string.
pub(super) fn enum_values(class: &StmtClassDef, values: &Values<'_>) -> Option<Vec<String>> {
    class
        .body
        .iter()
        .filter_map(|stmt| match stmt {
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] if !n.id.as_str().starts_with('_') => Some(&*a.value),
                _ => None,
            },
            Stmt::AnnAssign(a) => match (&*a.target, a.value.as_deref()) {
                (Expr::Name(n), Some(value)) if !n.id.as_str().starts_with('_') => Some(value),
                _ => None,
            },
            _ => None,
        })
        .map(|value| constant_string(value, values))
        .collect()
}

/// `lambda x: [e.value for e in x]`: the values of the enum's members.
pub(super) fn is_member_values(expr: &Expr) -> bool {
    let Expr::Lambda(lambda) = expr else {
        return false;
    };
    let Some(parameter) = lambda
        .parameters
        .as_deref()
        .and_then(|p| p.args.first())
        .map(|p| p.parameter.name.id.as_str())
    else {
        return false;
    };
    let Expr::ListComp(list) = &*lambda.body else {
        return false;
    };
    let [generator] = list.generators.as_slice() else {
        return false;
    };
    let (Expr::Name(target), Expr::Name(iter)) = (&generator.target, &generator.iter) else {
        return false;
    };
    matches!(&*list.elt, Expr::Attribute(attr)
        if attr.attr.id.as_str() == "value"
            && matches!(&*attr.value, Expr::Name(n) if n.id == target.id))
        && iter.id.as_str() == parameter
        && generator.ifs.is_empty()
}
