//! `foreign-key-without-index`: A foreign key's columns have no index.

use super::{Check, Explanation, Memory, Rule};
use crate::diagnostic::Severity;
use crate::hash::FastMap;
use crate::lint::{Flag, Subject, display_key};
use crate::op::Op;
use crate::text::Span;

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
    fix: None,
    check: Check::Carried { part: read, end },
};

/// A table's schema (if named) and name.
type TableName = (Option<String>, String);

/// Per table name, per schema: the column lists its indexes start with.
/// Keyed by the name first, so a lookup borrows it (no name is copied for
/// a table already seen).
type Indexed = FastMap<String, Vec<(Option<String>, Vec<Vec<String>>)>>;

/// What the migration declared so far.
#[derive(Default)]
struct Seen {
    indexed: Indexed,
    /// The foreign keys: where, on which table, on which columns.
    keys: Vec<(Span, TableName, Vec<String>)>,
}

fn owned((schema, name): crate::schema::TableKey<'_>) -> TableName {
    (schema.map(str::to_string), name.to_string())
}

/// The index lists of a table, made empty if it has none yet.
fn lists<'m>(
    indexed: &'m mut Indexed,
    (schema, name): crate::schema::TableKey<'_>,
) -> &'m mut Vec<Vec<String>> {
    if !indexed.contains_key(name) {
        indexed.insert(name.to_string(), Vec::new());
    }
    let schemas = indexed.get_mut(name).expect("inserted above");
    let at = match schemas.iter().position(|(s, _)| s.as_deref() == schema) {
        Some(at) => at,
        None => {
            schemas.push((schema.map(str::to_string), Vec::new()));
            schemas.len() - 1
        }
    };
    &mut schemas[at].1
}

/// Records the indexes and foreign keys of a part: an index created later
/// in the migration covers a key as well as one created before it.
fn read(cx: &Subject<'_>, memory: &mut Memory, _: &mut Vec<Flag>) {
    let Seen { indexed, keys } = memory.get::<Seen>();
    for step in &cx.steps {
        match step.op {
            Op::CreateTable { table, .. } => {
                keys.extend(
                    table
                        .foreign_keys
                        .iter()
                        .map(|fk| (step.span, owned(table.key()), fk.columns.clone())),
                );
                let lists = lists(indexed, table.key());
                lists.extend(table.primary_key.iter().map(|pk| pk.columns.clone()));
                lists.extend(table.unique_constraints.iter().map(|u| u.columns.clone()));
                lists.extend(table.indexes.iter().map(|i| i.expressions.clone()));
            }
            Op::CreateIndex { table, index, .. } => {
                lists(indexed, table.key()).push(index.expressions.clone())
            }
            Op::CreateUniqueConstraint {
                table, constraint, ..
            } => lists(indexed, table.key()).push(constraint.columns.clone()),
            Op::CreatePrimaryKey { table, columns, .. } => {
                lists(indexed, table.key()).push(columns.clone())
            }
            Op::CreateForeignKey { table, fk, .. } => {
                keys.push((step.span, owned(table.key()), fk.columns.clone()))
            }
            _ => {}
        }
    }
}

/// The keys no index of the whole migration covers.
fn end(memory: &mut Memory, out: &mut Vec<Flag>) {
    let Seen { indexed, keys } = memory.get::<Seen>();
    for (span, table, columns) in keys.iter() {
        let covered = indexed
            .get(&table.1)
            .and_then(|schemas| schemas.iter().find(|(s, _)| *s == table.0))
            .is_some_and(|(_, indexes)| {
                indexes.iter().any(|index| {
                    index.len() >= columns.len() && index[..columns.len()] == columns[..]
                })
            });
        if !covered {
            let table = display_key((table.0.as_deref(), table.1.as_str()));
            out.push(Flag::new(
                *span,
                format!(
                    "no index on `{table}` ({}) for its foreign key",
                    columns.join(", ")
                ),
            ));
        }
    }
}
