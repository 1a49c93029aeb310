//! `drop-index-non-concurrently`: DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;
use crate::lint::MigrationKind;
use crate::lint::fix::{self, Fix, Site, keyword_end};
use crate::lint::{Flag, Subject};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "drop-index-non-concurrently",
    severity: Severity::Warning,
    summary: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock",
    explanation: Explanation {
        what: "Flags `drop_index` (`DROP INDEX`) without `postgresql_concurrently=True`, unless the index was created in the same migration.",
        why: "DROP INDEX locks the index's table ACCESS EXCLUSIVE. The drop itself is quick, but the lock waits behind every running query on the table, and every new query waits behind it.",
        example: "op.drop_index('ix_event_account_id', table_name='event')",
        instead: "with op.get_context().autocommit_block():\n    op.drop_index('ix_event_account_id', table_name='event', postgresql_concurrently=True)",
        fix_safety: "Safe.",
    },
    fix: Some(fix),
    check: Check::Carried {
        part: check,
        end: super::nothing_at_end,
    },
};

/// The names of the indexes the migration created so far.
type Created = crate::hash::FastSet<String>;

fn check(cx: &Subject<'_>, memory: &mut Memory, out: &mut Vec<Flag>) {
    let created = memory.get::<Created>();
    for step in &cx.steps {
        match step.op {
            Op::CreateIndex { index, .. } => created.extend(index.name.clone()),
            Op::DropIndex { index, .. } if !step.concurrently && !step.new_table => {
                let name = index.name.as_deref().unwrap_or("(unnamed)");
                if created.contains(name) {
                    continue;
                }
                out.push(Flag::new(
                    step.span,
                    format!("index `{name}` is dropped without CONCURRENTLY: its table is locked for reads and writes"),
                ));
            }
            _ => {}
        }
    }
}

/// `CONCURRENTLY`, outside the transaction.
fn fix(site: &Site<'_>) -> Option<Fix> {
    let Op::DropIndex { .. } = site.step.op else {
        return None;
    };
    match site.kind {
        MigrationKind::Revision => fix::fix(
            "drop the index CONCURRENTLY, outside the transaction",
            Applicability::Safe,
            vec![site.concurrently("op.drop_index(", &[&["DROP", "INDEX"]])?],
        ),
        MigrationKind::Sql if !site.step.in_transaction => {
            let at = keyword_end(site.statement(), &["DROP", "INDEX"])?;
            fix::fix(
                "drop the index CONCURRENTLY",
                Applicability::Safe,
                vec![site.insert_at(at, " CONCURRENTLY")],
            )
        }
        MigrationKind::Sql => None,
    }
}
