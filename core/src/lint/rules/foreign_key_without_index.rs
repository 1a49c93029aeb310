//! `foreign-key-without-index`: A foreign key's columns have no index.

use super::{Explanation, Rule};
use crate::diagnostic::Severity;
use crate::lint::{Cx, Hit, Step, display};
use crate::op::Op;

pub const RULE: Rule = Rule {
    id: "foreign-key-without-index",
    severity: Severity::Info,
    summary: "A foreign key's columns have no index",
    explanation: Explanation {
        what: "Flags a foreign key whose columns do not begin any index, primary key or unique constraint the migration gives their table.",
        why: "PostgreSQL does not index the referencing side of a foreign key. Every DELETE or key UPDATE on the referenced table then scans the referencing table, and joins on the key scan too. (retort sees the indexes this migration creates, not older ones.)",
        example: "op.create_foreign_key('fk_event_account', 'event', 'account', ['account_id'], ['id'])",
        instead: "op.create_index('ix_event_account_id', 'event', ['account_id'])  # concurrently on an existing table",
        fix_safety: "No automatic fix: the index is a schema change the models should declare, or autogenerate drops it again.",
    },
    check,
};

fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    // Per table, the column lists its indexes start with.
    let mut indexed: Vec<(String, Vec<String>)> = Vec::new();
    let mut keys: Vec<(&Step<'_>, String, Vec<String>)> = Vec::new();
    for step in &cx.steps {
        match step.op {
            Op::CreateTable { table, .. } => {
                let name = display(&crate::op::TableRef::of(table));
                indexed.extend(
                    table
                        .primary_key
                        .iter()
                        .map(|pk| (name.clone(), pk.columns.clone())),
                );
                indexed.extend(
                    table
                        .unique_constraints
                        .iter()
                        .map(|u| (name.clone(), u.columns.clone())),
                );
                indexed.extend(
                    table
                        .indexes
                        .iter()
                        .map(|i| (name.clone(), i.expressions.clone())),
                );
                keys.extend(
                    table
                        .foreign_keys
                        .iter()
                        .map(|fk| (step, name.clone(), fk.columns.clone())),
                );
            }
            Op::CreateIndex { table, index, .. } => {
                indexed.push((display(table), index.expressions.clone()))
            }
            Op::CreateUniqueConstraint {
                table, constraint, ..
            } => indexed.push((display(table), constraint.columns.clone())),
            Op::CreatePrimaryKey { table, columns, .. } => {
                indexed.push((display(table), columns.clone()))
            }
            Op::CreateForeignKey { table, fk, .. } => {
                keys.push((step, display(table), fk.columns.clone()))
            }
            _ => {}
        }
    }
    let mut by_table: std::collections::HashMap<String, Vec<Vec<String>>> =
        std::collections::HashMap::new();
    for (table, columns) in indexed {
        by_table.entry(table).or_default().push(columns);
    }
    for (step, table, columns) in keys {
        let covered = by_table.get(&table).is_some_and(|indexes| {
            indexes
                .iter()
                .any(|index| index.len() >= columns.len() && index[..columns.len()] == columns[..])
        });
        if !covered {
            out.push(Hit::new(
                step.span,
                format!(
                    "no index on `{table}` ({}) for its foreign key",
                    columns.join(", ")
                ),
            ));
        }
    }
}
