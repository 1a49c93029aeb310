//! `enum-add-value-in-transaction`: ALTER TYPE … ADD VALUE fails inside a transaction before PostgreSQL 12.

use super::{Check, Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::fix::{Fix, Site};
use crate::lint::{Flag, Subject};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "enum-add-value-in-transaction",
    severity: Severity::Error,
    summary: "ALTER TYPE … ADD VALUE fails inside a transaction before PostgreSQL 12",
    explanation: Explanation {
        what: "Flags `ALTER TYPE … ADD VALUE` run inside a transaction when the target is PostgreSQL 11 or older.",
        why: "Before PostgreSQL 12, `ALTER TYPE … ADD VALUE cannot run inside a transaction block`. From 12 it can, but the new value cannot be used until the transaction commits.",
        example: "op.execute(\"ALTER TYPE mood ADD VALUE 'meh'\")",
        instead: "with op.get_context().autocommit_block():\n    op.execute(\"ALTER TYPE mood ADD VALUE 'meh'\")",
        fix_safety: "Safe.",
    },
    fix: Some(fix),
    check: Check::Steps(check),
};

fn check(cx: &Subject<'_>, out: &mut Vec<Flag>) {
    if cx.settings.postgres >= 12 {
        return;
    }
    for step in &cx.steps {
        if let Op::AddEnumValue {
            enum_type, value, ..
        } = step.op
            && step.in_transaction
        {
            out.push(Flag::new(
                step.span,
                format!("value '{value}' is added to `{}` inside a transaction: PostgreSQL {} refuses it", enum_type.name, cx.settings.postgres),
            ));
        }
    }
}

/// The statement moved into an autocommit block.
fn fix(site: &Site<'_>) -> Option<Fix> {
    site.in_autocommit_block()
}
