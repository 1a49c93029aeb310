//! What both renderers (the revision's Python and the offline SQL) read off a
//! table the same way: its constraints in SQLAlchemy's order, server
//! defaults as the revision spells them, and which column autoincrements.

use super::*;

/// A table-level constraint of `op.create_table`.
pub(crate) enum TableConstraint<'a> {
    PrimaryKey(&'a PrimaryKey),
    ForeignKey(&'a ForeignKey),
    Unique(&'a UniqueConstraint),
    Check(&'a CheckConstraint),
}

/// The constraints `op.create_table` lists after the columns, each with its
/// Python text, in the revision's order (Alembic sorts them by that text;
/// SQLAlchemy creates them, and compiles them, in that order).
pub(crate) fn table_constraints(table: &Table, side: Side) -> Vec<(String, TableConstraint<'_>)> {
    let conv = |name: &Option<String>| {
        name.as_deref().map(|n| match side {
            Side::Model => name_repr(Some(n), table.convention_names.iter().any(|c| c == n)),
            // Alembic wraps reflected names in `conv`: `op.f('t_pkey')`.
            Side::Database => name_repr(Some(n), true),
        })
    };
    let mut constraints = Vec::new();
    if let Some(pk) = &table.primary_key {
        let mut parts: Vec<String> = pk.columns.iter().map(|c| py_repr(c)).collect();
        if let Some(name) = conv(&pk.name) {
            parts.push(format!("name={name}"));
        }
        constraints.push((
            format!("sa.PrimaryKeyConstraint({})", parts.join(", ")),
            TableConstraint::PrimaryKey(pk),
        ));
    }
    for fk in &table.foreign_keys {
        let columns: Vec<String> = fk.columns.iter().map(|c| py_repr(c)).collect();
        let referred: Vec<String> = fk
            .referred_columns
            .iter()
            .map(|c| {
                let target = match &fk.referred_schema {
                    Some(s) => format!("{s}.{}.{c}", fk.referred_table),
                    None => format!("{}.{c}", fk.referred_table),
                };
                py_repr(&target)
            })
            .collect();
        let mut options = Vec::new();
        if let Some(name) = conv(&fk.name) {
            options.push(format!("name={name}"));
        }
        options.extend(fk_options(fk));
        constraints.push((
            format!(
                "sa.ForeignKeyConstraint([{}], [{}], {})",
                columns.join(", "),
                referred.join(", "),
                options.join(", ")
            ),
            TableConstraint::ForeignKey(fk),
        ));
    }
    for unique in &table.unique_constraints {
        constraints.push((
            unique_constraint(unique, conv(&unique.name)),
            TableConstraint::Unique(unique),
        ));
    }
    // Alembic renders `table.constraints` only: a check declared on a model
    // column is not there (the database has it; the revision does not).
    let model_side = side == Side::Model;
    for check in table
        .check_constraints
        .iter()
        .filter(|c| !(model_side && c.on_column))
    {
        let mut text = format!("sa.CheckConstraint({}", py_repr(&check.sqltext));
        if let Some(name) = conv(&check.name) {
            text.push_str(&format!(", name={name}"));
        }
        text.push(')');
        constraints.push((text, TableConstraint::Check(check)));
    }
    constraints.sort_by(|a, b| a.0.cmp(&b.0));
    constraints
}

/// A server default as Alembic renders it: a plain string default as the
/// string, an expression as `sa.text(...)`; reflected defaults are
/// PostgreSQL's own text (`'draft'::character varying`).
pub(crate) fn server_default(column: &Column, side: Side) -> Option<String> {
    let sql = column.server_default.as_deref()?;
    match side {
        Side::Model => Some(match string_literal(sql) {
            Some(text) => py_repr(&text),
            None => format!("sa.text({})", py_repr(sql)),
        }),
        Side::Database => Some(format!(
            "sa.text({})",
            py_repr(&stored_default(sql, &column.ty))
        )),
    }
}

/// The content of a SQL string literal that is the whole text (`'it''s'`).
pub(crate) fn string_literal(sql: &str) -> Option<String> {
    let inner = sql.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Only doubled quotes may appear inside.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

/// A default as PostgreSQL prints it back (`pg_get_expr`): a string literal
/// gets a cast to the column's type.
pub(crate) fn stored_default(sql: &str, ty: &SqlType) -> String {
    let Some(text) = string_literal(sql) else {
        return sql.to_string();
    };
    let quoted = format!("'{}'", text.replace('\'', "''"));
    let cast = match ty {
        SqlType::Varchar { .. } => "character varying".to_string(),
        SqlType::Text => "text".into(),
        SqlType::Char { .. } => "bpchar".into(),
        SqlType::Json => "json".into(),
        SqlType::Jsonb => "jsonb".into(),
        SqlType::Enum { schema, name } => match schema {
            Some(s) => format!("{s}.{name}"),
            None => name.clone(),
        },
        SqlType::Boolean => return text,
        SqlType::Integer | SqlType::BigInt | SqlType::SmallInt | SqlType::Numeric { .. } => {
            return text;
        }
        _ => return quoted,
    };
    format!("{quoted}::{cast}")
}

/// The `autoincrement=` a column is rendered with: the model's setting, or
/// for a reflected column `True` (a serial) or `False`.
pub(crate) fn autoincrement_of(column: &Column, side: Side) -> Autoincrement {
    match side {
        Side::Model => column.autoincrement,
        Side::Database if column.autoincrement == Autoincrement::True => Autoincrement::True,
        Side::Database => Autoincrement::False,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn string_literals_are_told_from_expressions() {
        assert_eq!(string_literal("'draft'").as_deref(), Some("draft"));
        assert_eq!(string_literal("'it''s'").as_deref(), Some("it's"));
        assert_eq!(string_literal("'a' || 'b'"), None);
        assert_eq!(string_literal("now()"), None);
    }
}
