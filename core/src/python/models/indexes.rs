//! `Index(...)` in a table's items: its elements, and the `postgresql_*`
//! options Alembic renders (`using`, `ops`, `include`, `where`).

use super::*;

impl<'a> ModelReader<'a> {
    /// The index an `Index(name, *elements, **options)` call declares;
    /// `column_ref` names the table's columns as the call refers to them.
    pub(super) fn index_spec(
        &mut self,
        call: &ExprCall,
        table: &TableSpec,
        span: Span,
        column_ref: &dyn Fn(&Expr) -> Option<String>,
    ) -> IndexSpec {
        let index_name = call
            .arguments
            .args
            .first()
            .and_then(|n| constant_string(n, &self.values));
        let mut elements = Vec::new();
        let columns: Vec<Option<String>> =
            call.arguments.args.iter().skip(1).map(column_ref).collect();
        for (arg, column) in call.arguments.args.iter().skip(1).zip(columns) {
            if let Some(column) = column {
                elements.push(IndexElement::Column(column));
            } else if let Some(sql) = self.ordered_element(arg, table, column_ref) {
                elements.push(IndexElement::Sql(sql));
            } else if let Expr::Call(c) = arg {
                if self.is(&c.func, Family::Sqlalchemy, "text")
                    && let Some(sql) = c.arguments.args.first().and_then(string)
                {
                    elements.push(IndexElement::Sql(sql));
                    continue;
                }
                if let Some(sql) = self.function_sql(c, table) {
                    elements.push(IndexElement::Sql(sql));
                    continue;
                }
                self.warning(
                    arg,
                    "index expression not read",
                    "use column names or text(\"...\")",
                );
            } else {
                self.warning(
                    arg,
                    "index expression not read",
                    "use column names or text(\"...\")",
                );
            }
        }
        let where_given = keyword(&call.arguments, "postgresql_where");
        let where_clause = where_given.and_then(|e| {
            self.sql_text(e)
                .or_else(|| self.sql_expression(e, Some(table)))
        });
        if let (Some(given), None) = (where_given, &where_clause) {
            self.warning(
                given,
                "postgresql_where not read; the index is read as a full index",
                "write the condition as text(\"...\") or a comparison of columns",
            );
        }
        IndexSpec {
            name: index_name,
            elements,
            unique: keyword(&call.arguments, "unique")
                .and_then(boolean)
                .unwrap_or(false),
            r#where: where_clause,
            using: keyword(&call.arguments, "postgresql_using").and_then(string),
            ops: self.string_option(call, "postgresql_ops", string_pairs),
            include: self.string_option(call, "postgresql_include", string_list),
            written_order: written_order(&call.arguments),
            span,
        }
    }

    /// Keyword `name` of `call`, read by `read` (`postgresql_ops`,
    /// `postgresql_include`); a warning when given but not readable.
    fn string_option<T: Default>(
        &mut self,
        call: &ExprCall,
        name: &str,
        read: fn(&Expr) -> Option<T>,
    ) -> T {
        let Some(given) = keyword(&call.arguments, name) else {
            return T::default();
        };
        match read(given) {
            Some(value) => value,
            None => {
                self.warning(
                    given,
                    format!("{name} not read; the index is read without it"),
                    "write it with string literals: a list of column names, or a dict of column name to operator class",
                );
                T::default()
            }
        }
    }
}
