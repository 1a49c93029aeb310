//! SQL expressions written with SQLAlchemy's Python operators
//! (`sa.column("every") >= 1`, `table.c.key != None`,
//! `Model.rank.between(0, 9)`), as SQLAlchemy compiles them with their
//! values inline: what a `CheckConstraint` or a `postgresql_where` puts in
//! the DDL.

use ruff_python_ast::{CmpOp, ExprBinOp, ExprCompare};

use super::tables::column_object_key;
use super::*;

/// How tightly an expression binds: an `OR` inside an `AND` is
/// parenthesised, as SQLAlchemy parenthesises it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Or,
    And,
    Not,
    Atom,
}

impl ModelReader<'_> {
    /// The SQL of an expression, or `None` when it is anything else;
    /// `table` is the table being read, whose columns it may name.
    pub(super) fn sql_expression(&self, expr: &Expr, table: Option<&TableSpec>) -> Option<String> {
        Compiler {
            reader: self,
            table,
        }
        .part(expr, 0)
        .map(|(sql, _)| sql)
    }
}

/// Compiles one expression, with the table it belongs to at hand.
struct Compiler<'r, 'a> {
    reader: &'r ModelReader<'a>,
    table: Option<&'r TableSpec>,
}

impl Compiler<'_, '_> {
    fn part(&self, expr: &Expr, depth: usize) -> Option<(String, Strength)> {
        if depth > 32 {
            return None;
        }
        let atom = |sql: String| Some((sql, Strength::Atom));
        match expr {
            Expr::Compare(compare) => self.comparison(compare, depth),
            Expr::BinOp(ExprBinOp {
                left, op, right, ..
            }) if matches!(op, Operator::BitAnd | Operator::BitOr) => {
                let joined = if *op == Operator::BitAnd {
                    Strength::And
                } else {
                    Strength::Or
                };
                self.joined(&[left, right], joined, depth)
            }
            Expr::UnaryOp(unary) if unary.op == UnaryOp::Invert => {
                let (inner, binding) = self.part(&unary.operand, depth + 1)?;
                Some((
                    format!("NOT {}", parenthesised(inner, binding, Strength::Not)),
                    Strength::Not,
                ))
            }
            Expr::Call(call) => {
                let args = &call.arguments.args;
                if let Some(symbol) = self.reader.symbol(&call.func)
                    && symbol.family == Family::Sqlalchemy
                {
                    return match symbol.name {
                        "column" | "literal_column" => atom(string(args.first()?)?),
                        "and_" => {
                            self.joined(&args.iter().collect::<Vec<_>>(), Strength::And, depth)
                        }
                        "or_" => self.joined(&args.iter().collect::<Vec<_>>(), Strength::Or, depth),
                        "not_" => {
                            let (inner, binding) = self.part(args.first()?, depth + 1)?;
                            Some((
                                format!("NOT {}", parenthesised(inner, binding, Strength::Not)),
                                Strength::Not,
                            ))
                        }
                        "text" => atom(string(args.first()?)?),
                        _ => None,
                    };
                }
                // A method of a column: `col.between(0, 9)`, `col.in_([...])`.
                let Expr::Attribute(method) = &*call.func else {
                    return None;
                };
                let column = self.sql_column(&method.value)?;
                let sql = match (method.attr.id.as_str(), &args[..]) {
                    ("between", [low, high]) => {
                        format!(
                            "{column} BETWEEN {} AND {}",
                            self.sql_value(low)?,
                            self.sql_value(high)?
                        )
                    }
                    ("in_", [list @ (Expr::List(_) | Expr::Tuple(_))]) => {
                        let values: Option<Vec<String>> =
                            elements(list).iter().map(|e| self.sql_value(e)).collect();
                        format!("{column} IN ({})", values?.join(", "))
                    }
                    ("is_", [Expr::NoneLiteral(_)]) => format!("{column} IS NULL"),
                    ("isnot" | "is_not", [Expr::NoneLiteral(_)]) => format!("{column} IS NOT NULL"),
                    ("like", [pattern]) => format!("{column} LIKE {}", self.sql_value(pattern)?),
                    _ => return None,
                };
                atom(sql)
            }
            _ => atom(self.sql_column(expr)?),
        }
    }

    fn joined(
        &self,
        parts: &[&Expr],
        binding: Strength,
        depth: usize,
    ) -> Option<(String, Strength)> {
        let word = if binding == Strength::And {
            " AND "
        } else {
            " OR "
        };
        let parts: Option<Vec<String>> = parts
            .iter()
            .map(|part| {
                let (sql, inner) = self.part(part, depth + 1)?;
                Some(parenthesised(sql, inner, binding))
            })
            .collect();
        Some((parts?.join(word), binding))
    }

    fn comparison(&self, compare: &ExprCompare, depth: usize) -> Option<(String, Strength)> {
        let ([op], [right]) = (&*compare.ops, &*compare.comparators) else {
            return None;
        };
        let (left, _) = self.part(&compare.left, depth + 1)?;
        let sql = match (op, right) {
            (CmpOp::Eq, Expr::NoneLiteral(_)) => format!("{left} IS NULL"),
            (CmpOp::NotEq, Expr::NoneLiteral(_)) => format!("{left} IS NOT NULL"),
            _ => {
                let op = match op {
                    CmpOp::Eq => "=",
                    CmpOp::NotEq => "!=",
                    CmpOp::Lt => "<",
                    CmpOp::LtE => "<=",
                    CmpOp::Gt => ">",
                    CmpOp::GtE => ">=",
                    _ => return None,
                };
                let right = self.sql_value(right).or_else(|| self.sql_column(right))?;
                format!("{left} {op} {right}")
            }
        };
        Some((sql, Strength::Atom))
    }

    /// A column object: `sa.column("x")` → `x`; `table.c.x`, `Model.x` of
    /// the table being read → `x` (the DDL and Alembic's revision compile
    /// a check or a predicate with `include_table=False`); of another table
    /// read before → `table.x`.
    fn sql_column(&self, expr: &Expr) -> Option<String> {
        if let Expr::Call(call) = expr
            && self.reader.is(&call.func, Family::Sqlalchemy, "column")
        {
            return string(call.arguments.args.first()?);
        }
        if let Some(table) = self.table
            && self.reader.column_object_table(expr).as_deref() == Some(table.name.as_str())
        {
            let key = column_object_key(expr)?;
            let column = table.columns.iter().find(|c| c.key == key)?;
            return Some(column.column.name.clone());
        }
        self.reader.column_object_target(expr)
    }

    /// A literal value, as SQLAlchemy renders it inline.
    fn sql_value(&self, expr: &Expr) -> Option<String> {
        Some(match evaluate(expr, &self.reader.values, 0)? {
            Literal::Str(text) => format!("'{}'", text.replace('\'', "''")),
            Literal::Int(number) => number.to_string(),
            Literal::Bool(true) => "true".to_string(),
            Literal::Bool(false) => "false".to_string(),
            Literal::None => "NULL".to_string(),
        })
    }
}

fn elements(expr: &Expr) -> &[Expr] {
    match expr {
        Expr::List(list) => &list.elts,
        Expr::Tuple(tuple) => &tuple.elts,
        _ => &[],
    }
}

fn parenthesised(sql: String, inner: Strength, outer: Strength) -> String {
    if inner < outer {
        format!("({sql})")
    } else {
        sql
    }
}
