//! Tables in the order their foreign keys need: SQLAlchemy's
//! `sorted_tables`, and the cycles no order satisfies. Both work on the
//! graph of which table's foreign keys point at which, built once with
//! the tables found by name, so a model of half a million tables is
//! ordered in linear time.

use std::collections::HashMap;

use super::*;

/// For each table, the other tables of `tables` its foreign keys point
/// at (a self-reference aside: it is created with its table), each once.
fn dependencies(tables: &[&Table]) -> Vec<Vec<usize>> {
    let mut by_name: HashMap<(Option<&str>, &str), Vec<usize>> = HashMap::new();
    for (i, t) in tables.iter().enumerate() {
        by_name
            .entry((t.schema.as_deref(), t.name.as_str()))
            .or_default()
            .push(i);
    }
    tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut deps: Vec<usize> = t
                .foreign_keys
                .iter()
                .filter_map(|fk| {
                    by_name.get(&(fk.referred_schema.as_deref(), fk.referred_table.as_str()))
                })
                .flatten()
                .copied()
                .filter(|&j| j != i)
                .collect();
            deps.sort_unstable();
            deps.dedup();
            deps
        })
        .collect()
}

/// The new tables (in `after`, not in `before`) whose foreign keys form a
/// cycle: no `create_table` order satisfies them, and the revision fails
/// unless one key is created after the tables. An error at the first such
/// table's declaration, or `None`.
pub fn foreign_key_cycle(before: &Schema, after: &Schema) -> Option<Diagnostic> {
    let before_tables = before.index();
    let new: Vec<&Table> = after
        .tables
        .iter()
        .filter(|t| before_tables.get(t.schema.as_deref(), &t.name).is_none())
        .collect();
    let on_cycle = on_a_cycle(&dependencies(&new));
    let pending: Vec<&Table> = (0..new.len())
        .filter(|&i| on_cycle[i])
        .map(|i| new[i])
        .collect();
    let first = pending.first()?;
    let names: Vec<String> = pending.iter().map(|t| t.qualified_name()).collect();
    Some(
        Diagnostic::error(
            first.span,
            format!(
                "the new tables {} reference each other: no create_table order satisfies their foreign keys",
                names.join(", ")
            ),
        )
        .with_help("create one of the foreign keys after the tables: ForeignKey(..., use_alter=True), or a later op.create_foreign_key"),
    )
}

/// Whether each node lies on a cycle of `deps` (no self-loops in it): it
/// is in a strongly connected component of more than one node. Tarjan's
/// algorithm, with an explicit stack (a chain of 100,000 foreign keys
/// would overflow the call stack).
fn on_a_cycle(deps: &[Vec<usize>]) -> Vec<bool> {
    const UNSEEN: usize = usize::MAX;
    let n = deps.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<usize> = Vec::new();
    let mut result = vec![false; n];
    let mut next = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        // (node, how many of its dependencies are visited)
        let mut walk: Vec<(usize, usize)> = vec![(root, 0)];
        order[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut k)) = walk.last_mut() {
            if let Some(&dep) = deps[node].get(*k) {
                *k += 1;
                if order[dep] == UNSEEN {
                    order[dep] = next;
                    low[dep] = next;
                    next += 1;
                    stack.push(dep);
                    on_stack[dep] = true;
                    walk.push((dep, 0));
                } else if on_stack[dep] {
                    low[node] = low[node].min(order[dep]);
                }
                continue;
            }
            walk.pop();
            if let Some(&(parent, _)) = walk.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    for member in component {
                        result[member] = true;
                    }
                }
            }
        }
    }
    result
}

/// SQLAlchemy's `MetaData.sorted_tables`: tables by key (`schema.name`),
/// then in dependency order — a table after the tables its foreign keys
/// point at — taking each round's ready tables in key order.
pub fn sorted_tables(schema: &Schema) -> Vec<&Table> {
    let key = |t: &Table| match &t.schema {
        Some(s) => format!("{s}.{}", t.name),
        None => t.name.clone(),
    };
    let mut tables: Vec<&Table> = schema.tables.iter().collect();
    tables.sort_by_cached_key(|t| key(t));
    let deps = dependencies(&tables);
    // waiting[i]: how many tables i still waits for; dependents[j]: the
    // tables waiting for j.
    let mut waiting: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); tables.len()];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            dependents[j].push(i);
        }
    }
    let mut done = vec![false; tables.len()];
    let mut left = tables.len();
    let mut ready: Vec<usize> = (0..tables.len()).filter(|&i| waiting[i] == 0).collect();
    let mut sorted: Vec<&Table> = Vec::with_capacity(tables.len());
    while left > 0 {
        // A cycle: take the rest in key order (SQLAlchemy warns, Alembic
        // renders the foreign keys inline all the same).
        if ready.is_empty() {
            ready = (0..tables.len()).filter(|&i| !done[i]).collect();
        }
        let mut next = Vec::new();
        for &i in &ready {
            done[i] = true;
            sorted.push(tables[i]);
        }
        left -= ready.len();
        for &i in &ready {
            for &d in &dependents[i] {
                if done[d] {
                    continue;
                }
                waiting[d] -= 1;
                if waiting[d] == 0 {
                    next.push(d);
                }
            }
        }
        next.sort_unstable();
        ready = next;
    }
    sorted
}
