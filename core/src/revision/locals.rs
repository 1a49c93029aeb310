//! Locals of `upgrade()`/`downgrade()`: a SQLAlchemy object bound to a
//! name (`status = postgresql.ENUM(..., name="status")`) is read where the
//! name is used, and a read of the database's state (`bind =
//! op.get_bind()`, `inspector = sa.inspect(bind)`) is no op at all.

use ruff_python_ast::Expr;

use super::ops::BodyReader;
use crate::python::{keyword, string};
use crate::schema::EnumType;

impl BodyReader<'_> {
    /// A local assignment: true when it needs no op. A SQLAlchemy object
    /// (a type, a `Column`, an `ENUM`, `sa.table(...)`) is kept for the
    /// statements that use it; a read of the database's state
    /// (`op.get_bind()`, `sa.inspect(bind)`, `inspector.get_table_names()`)
    /// changes nothing. Anything else is read as an unread statement.
    pub(super) fn local(&mut self, name: &str, value: &Expr) -> bool {
        let text = self.text(value);
        if is_state_read(value) {
            return true;
        }
        let Expr::Call(call) = value else {
            return false;
        };
        let callee = match &*call.func {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.id.as_str(),
            _ => return false,
        };
        let object = callee.starts_with(|c: char| c.is_ascii_uppercase())
            || matches!(callee, "table" | "column" | "text" | "literal_column");
        if !object || text.contains("get_bind") || text.contains("inspect(") {
            return false;
        }
        if matches!(callee, "ENUM" | "Enum")
            && let Some(enum_name) = keyword(&call.arguments, "name").and_then(string)
        {
            let enum_type = EnumType {
                schema: keyword(&call.arguments, "schema").and_then(string),
                name: enum_name,
                values: call.arguments.args.iter().filter_map(string).collect(),
            };
            self.enum_locals.retain(|(n, _)| n != name);
            self.enum_locals.push((name.to_string(), enum_type));
        }
        self.locals.push(format!("{name} = {text}"));
        true
    }
}

/// Whether `value` only reads the database's state: `op.get_bind()`,
/// `sa.inspect(...)`, an inspector's `get_*()` and comprehensions over them.
fn is_state_read(value: &Expr) -> bool {
    match value {
        Expr::Call(call) => {
            let (receiver, name) = match &*call.func {
                Expr::Name(n) => (None, n.id.as_str()),
                Expr::Attribute(a) => (Some(&*a.value), a.attr.id.as_str()),
                _ => return false,
            };
            match name {
                "get_bind" | "inspect" | "get_context" => true,
                // The inspector's.
                "get_table_names"
                | "get_columns"
                | "get_indexes"
                | "get_unique_constraints"
                | "get_foreign_keys"
                | "get_pk_constraint"
                | "get_check_constraints"
                | "get_enums"
                | "get_schema_names"
                | "get_view_names"
                | "get_sequence_names"
                | "has_table"
                | "has_index"
                | "has_sequence" => {
                    receiver.is_some_and(|r| matches!(r, Expr::Name(_)) || is_state_read(r))
                }
                _ => false,
            }
        }
        Expr::ListComp(comp) => comp.generators.iter().all(|g| is_state_read(&g.iter)),
        Expr::SetComp(comp) => comp.generators.iter().all(|g| is_state_read(&g.iter)),
        _ => false,
    }
}
