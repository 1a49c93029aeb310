//! `prefer-bigint-over-int`: Prefer bigint for primary keys.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::op::Op;
use crate::schema::SqlType;

pub const RULE: Rule = Rule {
    id: "prefer-bigint-over-int",
    severity: Severity::Info,
    summary: "Prefer bigint for primary keys",
    explanation: Explanation {
        what: "Flags primary key columns of type `integer` or `smallint` in a new table.",
        why: "An `integer` key runs out at 2,147,483,647. Changing the type later rewrites the table and every table whose foreign keys point at it, under ACCESS EXCLUSIVE locks.",
        example: "sa.Column('id', sa.Integer(), primary_key=True)",
        instead: "sa.Column('id', sa.BigInteger(), sa.Identity(), primary_key=True)",
        fix_safety: "No automatic fix (changing the type is safe on a new table).",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        let Op::CreateTable { table, .. } = step.op else {
            continue;
        };
        let Some(pk) = &table.primary_key else {
            continue;
        };
        for name in &pk.columns {
            if let Some(column) = table.column(name)
                && matches!(column.ty, SqlType::Integer | SqlType::SmallInt)
            {
                out.push(Flag::new(
                    step.span,
                    format!(
                        "primary key `{}.{name}` is {}: prefer bigint",
                        table.name, column.ty
                    ),
                ));
            }
        }
    }
}
