//! `foreign-key-without-index`: A foreign key's columns have no index.

use super::{Explanation, Rule};
use crate::diagnostic::Severity;
use crate::hash::FastMap;
use crate::lint::{Cx, Hit, Step, display_key};
use crate::op::Op;
use crate::schema::TableKey;

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
    let mut indexed: FastMap<TableKey<'_>, Vec<&[String]>> = FastMap::default();
    let mut keys: Vec<(&Step<'_>, TableKey<'_>, &[String])> = Vec::new();
    for step in &cx.steps {
        match step.op {
            Op::CreateTable { table, .. } => {
                let name = table.key();
                let lists = indexed.entry(name).or_default();
                lists.extend(table.primary_key.iter().map(|pk| &pk.columns[..]));
                lists.extend(table.unique_constraints.iter().map(|u| &u.columns[..]));
                lists.extend(table.indexes.iter().map(|i| &i.expressions[..]));
                keys.extend(
                    table
                        .foreign_keys
                        .iter()
                        .map(|fk| (step, name, &fk.columns[..])),
                );
            }
            Op::CreateIndex { table, index, .. } => indexed
                .entry(table.key())
                .or_default()
                .push(&index.expressions),
            Op::CreateUniqueConstraint {
                table, constraint, ..
            } => indexed
                .entry(table.key())
                .or_default()
                .push(&constraint.columns),
            Op::CreatePrimaryKey { table, columns, .. } => {
                indexed.entry(table.key()).or_default().push(columns)
            }
            Op::CreateForeignKey { table, fk, .. } => keys.push((step, table.key(), &fk.columns)),
            _ => {}
        }
    }
    for (step, table, columns) in keys {
        let covered = indexed.get(&table).is_some_and(|indexes| {
            indexes
                .iter()
                .any(|index| index.len() >= columns.len() && index[..columns.len()] == columns[..])
        });
        if !covered {
            let table = display_key(table);
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
