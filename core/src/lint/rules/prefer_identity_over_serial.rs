//! `prefer-identity-over-serial`: Prefer identity columns to serial.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Flag, Subject};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "prefer-identity-over-serial",
    severity: Severity::Info,
    summary: "Prefer identity columns to serial",
    explanation: Explanation {
        what: "Flags `serial` / `bigserial` columns: an integer primary key SQLAlchemy renders as SERIAL, or `serial` in SQL.",
        why: "`serial` is a column default on a separately owned sequence: permissions, ownership and copying the table all treat the two apart, and anyone can write ids by hand. `GENERATED … AS IDENTITY` is the standard form and keeps the sequence part of the column.",
        example: "sa.Column('id', sa.BigInteger(), primary_key=True)",
        instead: "sa.Column('id', sa.BigInteger(), sa.Identity(always=True), primary_key=True)",
        fix_safety: "No automatic fix (changing it is safe on a new table).",
    },
    fix: None,
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    for step in &cx.steps {
        let Op::CreateTable { table, side } = step.op else {
            continue;
        };
        let serial = crate::render::sql::autoincrement_column(table, *side)
            .filter(|name| table.column(name).is_some_and(|c| c.identity.is_none()));
        if let Some(name) = serial {
            out.push(Flag::new(
                step.span,
                format!(
                    "`{}.{name}` is a serial column: prefer GENERATED … AS IDENTITY",
                    table.name
                ),
            ));
        }
    }
}
