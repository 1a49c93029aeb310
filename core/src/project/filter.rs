//! `include_object` and `include_name` hooks, read from env.py and run by
//! retort: the common ones only compare an object's name and type with
//! literals, which retort evaluates without Python. Anything else (a
//! call, an attribute of `object` other than `name` and `schema`, a loop)
//! makes the hook too dynamic to follow, and the reader says where.

use ruff_python_ast::{BoolOp, CmpOp, Expr, Stmt, StmtFunctionDef, UnaryOp};

use crate::text::Span;

/// A hook, read.
#[derive(Debug, Clone)]
pub struct Filter {
    body: Vec<Stmt>,
    /// Parameter names by role.
    params: HookParams,
    /// Module-level constants the body reads (`EXCLUDED = {"a", "b"}`).
    constants: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, Default)]
struct HookParams {
    object: Option<String>,
    name: Option<String>,
    type_: Option<String>,
    reflected: Option<String>,
    compare_to: Option<String>,
    parent_names: Option<String>,
}

/// What the hook is asked about.
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    /// `"table"`, `"column"`, `"index"`, `"unique_constraint"`,
    /// `"foreign_key_constraint"`, `"schema"`.
    pub type_: &'a str,
    pub name: Option<&'a str>,
    /// The table's schema (a table), or the table's (anything in one).
    pub schema: Option<&'a str>,
    /// The table's name, for what is in a table.
    pub table: Option<&'a str>,
    /// Read from the database (not in the models).
    pub reflected: bool,
    /// Whether the other side has an object of this name.
    pub has_counterpart: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    None,
    Bool(bool),
    Text(String),
    Many(Vec<Value>),
    /// `object` itself, or `parent_names` (a dict).
    Object,
    Parents,
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Text(t) => !t.is_empty(),
            Value::Many(items) => !items.is_empty(),
            Value::Object | Value::Parents => true,
        }
    }
}

/// An expression or statement the evaluator does not follow.
struct Unknown(Span);

fn span(node: &impl ruff_text_size::Ranged) -> Span {
    let range = node.range();
    Span::new(range.start().to_usize(), range.end().to_usize())
}

impl Filter {
    /// Reads a hook; `Err` is where it does something retort does not
    /// follow. `constants` looks up env.py's module-level assignments.
    pub fn read<'a>(
        def: &StmtFunctionDef,
        include_name: bool,
        constants: &dyn Fn(&str) -> Option<&'a Expr>,
    ) -> Result<Filter, Span> {
        let names: Vec<String> = def
            .parameters
            .posonlyargs
            .iter()
            .chain(&def.parameters.args)
            .map(|p| p.parameter.name.id.to_string())
            .collect();
        let at = |i: usize| names.get(i).cloned();
        let params = if include_name {
            HookParams {
                name: at(0),
                type_: at(1),
                parent_names: at(2),
                ..HookParams::default()
            }
        } else {
            HookParams {
                object: at(0),
                name: at(1),
                type_: at(2),
                reflected: at(3),
                compare_to: at(4),
                ..HookParams::default()
            }
        };
        let mut filter = Filter {
            body: def.body.to_vec(),
            params,
            constants: Vec::new(),
        };
        // The constants the body reads, copied in.
        let mut read = Vec::new();
        names_read(&def.body, &mut read);
        for name in read {
            if let Some(value) = constants(&name) {
                filter.constants.push((name, value.clone()));
            }
        }
        // A dry run over every kind of object finds what is not followed.
        for type_ in ["table", "column", "index", "unique_constraint", "schema"] {
            for reflected in [false, true] {
                let probe = Object {
                    type_,
                    name: Some("x"),
                    schema: None,
                    table: Some("t"),
                    reflected,
                    has_counterpart: false,
                };
                filter.run(&probe).map_err(|Unknown(span)| span)?;
            }
        }
        Ok(filter)
    }

    /// Whether Alembic includes `object` (a hook that raises or falls off
    /// its end returns `None`: excluded, as Python's falsy `None`).
    pub fn includes(&self, object: &Object<'_>) -> bool {
        self.run(object).unwrap_or(true)
    }

    fn run(&self, object: &Object<'_>) -> Result<bool, Unknown> {
        Ok(self.block(&self.body, object)?.is_some_and(|v| v.truthy()))
    }

    /// `Some(value)` when the block returns.
    fn block(&self, body: &[Stmt], object: &Object<'_>) -> Result<Option<Value>, Unknown> {
        for stmt in body {
            match stmt {
                Stmt::Return(ret) => {
                    return Ok(Some(match &ret.value {
                        Some(value) => self.expr(value, object)?,
                        None => Value::None,
                    }));
                }
                Stmt::If(block) => {
                    if self.expr(&block.test, object)?.truthy() {
                        if let Some(value) = self.block(&block.body, object)? {
                            return Ok(Some(value));
                        }
                        continue;
                    }
                    for clause in &block.elif_else_clauses {
                        let test = match &clause.test {
                            Some(test) => self.expr(test, object)?.truthy(),
                            None => true,
                        };
                        if test {
                            if let Some(value) = self.block(&clause.body, object)? {
                                return Ok(Some(value));
                            }
                            break;
                        }
                    }
                }
                Stmt::Pass(_) | Stmt::Expr(_) if is_docstring_or_pass(stmt) => {}
                other => return Err(Unknown(span(other))),
            }
        }
        Ok(None)
    }

    fn expr(&self, expr: &Expr, object: &Object<'_>) -> Result<Value, Unknown> {
        let unknown = || Unknown(span(expr));
        Ok(match expr {
            Expr::BooleanLiteral(b) => Value::Bool(b.value),
            Expr::NoneLiteral(_) => Value::None,
            Expr::StringLiteral(s) => Value::Text(s.value.to_str().to_string()),
            Expr::Tuple(t) => self.many(&t.elts, object)?,
            Expr::List(t) => self.many(&t.elts, object)?,
            Expr::Set(t) => self.many(&t.elts, object)?,
            Expr::Name(name) => self.name(name.id.as_str(), object).ok_or_else(unknown)?,
            Expr::Attribute(attribute) => {
                let base = self.expr(&attribute.value, object)?;
                match (base, attribute.attr.id.as_str()) {
                    (Value::Object, "name") => text(object.name),
                    (Value::Object, "schema") => text(object.schema),
                    _ => return Err(unknown()),
                }
            }
            Expr::BoolOp(op) => {
                let mut last = Value::Bool(matches!(op.op, BoolOp::And));
                for value in &op.values {
                    last = self.expr(value, object)?;
                    let stop = match op.op {
                        BoolOp::And => !last.truthy(),
                        BoolOp::Or => last.truthy(),
                    };
                    if stop {
                        break;
                    }
                }
                last
            }
            Expr::UnaryOp(op) if matches!(op.op, UnaryOp::Not) => {
                Value::Bool(!self.expr(&op.operand, object)?.truthy())
            }
            Expr::Compare(compare) => {
                let mut left = self.expr(&compare.left, object)?;
                for (op, right) in compare.ops.iter().zip(compare.comparators.iter()) {
                    let right = self.expr(right, object)?;
                    let holds = match op {
                        CmpOp::Eq | CmpOp::Is => left == right,
                        CmpOp::NotEq | CmpOp::IsNot => left != right,
                        CmpOp::In => contains(&right, &left).ok_or_else(unknown)?,
                        CmpOp::NotIn => !contains(&right, &left).ok_or_else(unknown)?,
                        _ => return Err(unknown()),
                    };
                    if !holds {
                        return Ok(Value::Bool(false));
                    }
                    left = right;
                }
                Value::Bool(true)
            }
            // `name.startswith("x")`, `name.endswith(("a", "b"))`,
            // `parent_names.get("table_name")`.
            Expr::Call(call) => {
                let Expr::Attribute(method) = &*call.func else {
                    return Err(unknown());
                };
                let base = self.expr(&method.value, object)?;
                let args: Vec<Value> = call
                    .arguments
                    .args
                    .iter()
                    .map(|a| self.expr(a, object))
                    .collect::<Result<_, _>>()?;
                match (base, method.attr.id.as_str(), args.as_slice()) {
                    (Value::Text(t), "startswith" | "endswith", [pattern]) => {
                        let starts = method.attr.id.as_str() == "startswith";
                        let test = |p: &Value| match p {
                            Value::Text(p) if starts => t.starts_with(p.as_str()),
                            Value::Text(p) => t.ends_with(p.as_str()),
                            _ => false,
                        };
                        match pattern {
                            Value::Many(items) => Value::Bool(items.iter().any(test)),
                            single => Value::Bool(test(single)),
                        }
                    }
                    (Value::None, "startswith" | "endswith", _) => return Err(unknown()),
                    (Value::Parents, "get", [Value::Text(key), ..]) => match key.as_str() {
                        "schema_name" => text(object.schema),
                        "table_name" => text(object.table),
                        _ => Value::None,
                    },
                    _ => return Err(unknown()),
                }
            }
            Expr::Subscript(subscript) => {
                match (
                    self.expr(&subscript.value, object)?,
                    self.expr(&subscript.slice, object)?,
                ) {
                    (Value::Parents, Value::Text(key)) if key == "schema_name" => {
                        text(object.schema)
                    }
                    (Value::Parents, Value::Text(key)) if key == "table_name" => text(object.table),
                    _ => return Err(unknown()),
                }
            }
            _ => return Err(unknown()),
        })
    }

    fn many(&self, items: &[Expr], object: &Object<'_>) -> Result<Value, Unknown> {
        Ok(Value::Many(
            items
                .iter()
                .map(|e| self.expr(e, object))
                .collect::<Result<_, _>>()?,
        ))
    }

    fn name(&self, name: &str, object: &Object<'_>) -> Option<Value> {
        let p = &self.params;
        let is = |param: &Option<String>| param.as_deref() == Some(name);
        if is(&p.name) {
            return Some(text(object.name));
        }
        if is(&p.type_) {
            return Some(Value::Text(object.type_.to_string()));
        }
        if is(&p.reflected) {
            return Some(Value::Bool(object.reflected));
        }
        if is(&p.object) {
            return Some(Value::Object);
        }
        if is(&p.parent_names) {
            return Some(Value::Parents);
        }
        if is(&p.compare_to) {
            // Only `compare_to is None` is followed.
            return Some(if object.has_counterpart {
                Value::Object
            } else {
                Value::None
            });
        }
        let (_, value) = self.constants.iter().find(|(n, _)| n == name)?;
        let empty = Object {
            type_: "",
            name: None,
            schema: None,
            table: None,
            reflected: false,
            has_counterpart: false,
        };
        // A constant reads no parameter.
        let plain = Filter {
            body: Vec::new(),
            params: HookParams::default(),
            constants: Vec::new(),
        };
        plain.expr(value, &empty).ok()
    }
}

fn text(value: Option<&str>) -> Value {
    value.map_or(Value::None, |v| Value::Text(v.to_string()))
}

fn contains(haystack: &Value, needle: &Value) -> Option<bool> {
    match (haystack, needle) {
        (Value::Many(items), _) => Some(items.contains(needle)),
        (Value::Text(h), Value::Text(n)) => Some(h.contains(n.as_str())),
        _ => None,
    }
}

fn is_docstring_or_pass(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Pass(_) => true,
        Stmt::Expr(e) => matches!(&*e.value, Expr::StringLiteral(_)),
        _ => false,
    }
}

/// Every name the body reads.
fn names_read(body: &[Stmt], out: &mut Vec<String>) {
    use ruff_python_ast::visitor::{self, Visitor};
    struct Names<'o>(&'o mut Vec<String>);
    impl<'x> Visitor<'x> for Names<'_> {
        fn visit_expr(&mut self, expr: &'x Expr) {
            if let Expr::Name(n) = expr {
                self.0.push(n.id.to_string());
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut names = Names(out);
    for stmt in body {
        names.visit_stmt(stmt);
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::python;

    fn hook(source: &str, include_name: bool) -> Result<Filter, Span> {
        let parsed = python::parse(source);
        let mut constants = Vec::new();
        let mut def = None;
        for stmt in &parsed.module.body {
            match stmt {
                Stmt::FunctionDef(d) => def = Some(d.clone()),
                Stmt::Assign(a) => {
                    if let [Expr::Name(n)] = a.targets.as_slice() {
                        constants.push((n.id.to_string(), (*a.value).clone()));
                    }
                }
                _ => {}
            }
        }
        let lookup = |n: &str| constants.iter().find(|(k, _)| k == n).map(|(_, v)| v);
        Filter::read(&def.expect("a def"), include_name, &lookup)
    }

    fn table(name: &str, reflected: bool) -> Object<'_> {
        Object {
            type_: "table",
            name: Some(name),
            schema: None,
            table: None,
            reflected,
            has_counterpart: false,
        }
    }

    #[test]
    fn names_types_and_constants() {
        let filter = hook(
            "IGNORED = {'spatial_ref_sys', 'legacy'}\n\
             def include_object(object, name, type_, reflected, compare_to):\n    \
             \"\"\"Skip PostGIS.\"\"\"\n    \
             if type_ == 'table' and (name in IGNORED or name.startswith('tmp_')):\n        return False\n    \
             elif type_ == 'table' and reflected and compare_to is None:\n        return False\n    \
             return True\n",
            false,
        )
        .unwrap_or_else(|_| panic!("followed"));
        assert!(!filter.includes(&table("spatial_ref_sys", false)));
        assert!(!filter.includes(&table("tmp_x", false)));
        assert!(filter.includes(&table("users", false)));
        assert!(
            !filter.includes(&table("audit", true)),
            "db-only tables are skipped"
        );
    }

    #[test]
    fn include_name_reads_parent_names() {
        let filter = hook(
            "def include_name(name, type_, parent_names):\n    \
             if type_ == 'schema':\n        return name in [None, 'public']\n    \
             return parent_names.get('schema_name') != 'audit'\n",
            true,
        )
        .unwrap_or_else(|_| panic!("followed"));
        let schema = |name| Object {
            type_: "schema",
            name,
            schema: None,
            table: None,
            reflected: true,
            has_counterpart: false,
        };
        assert!(filter.includes(&schema(None)));
        assert!(!filter.includes(&schema(Some("audit"))));
    }

    #[test]
    fn what_is_not_followed_is_located() {
        let source = "def include_object(object, name, type_, reflected, compare_to):\n    \
                      return object.info.get('skip') is None\n";
        let Err(at) = hook(source, false) else {
            panic!("not followed")
        };
        assert_eq!(&source[at.start..at.end], "object.info");
    }
}
