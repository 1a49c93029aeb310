//! The revision graph of a `versions/` folder, computed the way Alembic's
//! `RevisionMap` computes it: heads, bases, branch and merge points, branch
//! labels, `depends_on`, the order `alembic history` lists revisions in, and
//! the identifiers `alembic` accepts (`head`, `heads`, `base`, ids and their
//! unique prefixes, branch labels, `label@head`, `rev+N`, `head-1`).
//!
//! Revisions are given in the order Alembic loads them (file names sorted);
//! that order breaks ties exactly as Alembic's ordered map does. Problems
//! (duplicate ids, a missing parent, a cycle) are [`GraphError`]s next to
//! the graph of everything else: never a panic, never an empty answer.

mod picture;
mod text;

pub use picture::Layout;
pub use text::Line;

use std::collections::{HashMap, HashSet};

/// One revision as the graph needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    /// `down_revision`: none, one, or several (a merge).
    pub down: Vec<String>,
    /// `depends_on`: revision ids or branch labels.
    pub depends_on: Vec<String>,
    /// `branch_labels` as the file declares them.
    pub branch_labels: Vec<String>,
    /// The docstring's first paragraph (what `alembic history` prints).
    pub doc: String,
}

/// What keeps a graph from being the one Alembic would build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    /// Two files declare the same revision id (the later one is ignored).
    Duplicate { id: String },
    /// `down_revision` (or `depends_on`) names a revision that is not there.
    MissingParent { id: String, parent: String },
    /// A branch label used by two revisions.
    DuplicateLabel {
        label: String,
        id: String,
        other: String,
    },
    /// Revisions that are their own ancestors.
    Cycle { ids: Vec<String> },
}

impl std::fmt::Display for GraphError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GraphError::Duplicate { id } => {
                write!(f, "revision {id} is present more than once")
            }
            GraphError::MissingParent { id, parent } => {
                write!(f, "revision {parent} referenced from {id} is not present")
            }
            GraphError::DuplicateLabel { label, id, other } => write!(
                f,
                "branch name '{label}' in revision {id} already used by revision {other}"
            ),
            GraphError::Cycle { ids } => {
                write!(f, "cycle is detected in revisions ({})", ids.join(", "))
            }
        }
    }
}

/// Why an identifier does not name revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    NotFound(String),
    /// A prefix several ids start with.
    Ambiguous {
        prefix: String,
        candidates: Vec<String>,
    },
    /// `head` when there are several.
    MultipleHeads {
        heads: Vec<String>,
    },
    /// `rev+N` that walks past a head or a base, or into a branch.
    Relative(String),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::NotFound(id) => write!(f, "no such revision or branch '{id}'"),
            ResolveError::Ambiguous { prefix, candidates } => write!(
                f,
                "multiple revisions start with '{prefix}': {}",
                candidates.join(", ")
            ),
            ResolveError::MultipleHeads { heads } => write!(
                f,
                "multiple heads are present: {}; use 'heads' or a specific head",
                heads.join(", ")
            ),
            ResolveError::Relative(message) => f.write_str(message),
        }
    }
}

/// The graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    nodes: Vec<Node>,
    index: HashMap<String, usize>,
    labels: HashMap<String, usize>,
    /// Per node: the nodes whose `down_revision` names it.
    next: Vec<Vec<usize>>,
    /// The same, counting `depends_on` too.
    all_next: Vec<Vec<usize>>,
    /// `down_revision`, resolved (missing parents left out).
    down: Vec<Vec<usize>>,
    /// `depends_on`, resolved, without what an ancestor already depends on.
    deps: Vec<Vec<usize>>,
    /// Branch labels including those inherited along the branch.
    branch_labels: Vec<Vec<String>>,
    heads: Vec<usize>,
    bases: Vec<usize>,
    cycle: HashSet<usize>,
}

impl Graph {
    /// Builds the graph from revisions in load order.
    pub fn build(input: Vec<Node>) -> (Graph, Vec<GraphError>) {
        let mut errors = Vec::new();
        let mut graph = Graph::default();
        for node in input {
            if graph.index.contains_key(&node.id) {
                errors.push(GraphError::Duplicate { id: node.id });
                continue;
            }
            graph.index.insert(node.id.clone(), graph.nodes.len());
            graph.nodes.push(node);
        }
        let n = graph.nodes.len();
        for (i, node) in graph.nodes.iter().enumerate() {
            for label in &node.branch_labels {
                if let Some(&other) = graph.labels.get(label).or_else(|| graph.index.get(label)) {
                    errors.push(GraphError::DuplicateLabel {
                        label: label.clone(),
                        id: node.id.clone(),
                        other: graph.nodes[other].id.clone(),
                    });
                } else {
                    graph.labels.insert(label.clone(), i);
                }
            }
        }
        graph.next = vec![Vec::new(); n];
        graph.all_next = vec![Vec::new(); n];
        graph.down = vec![Vec::new(); n];
        let mut resolved_deps = vec![Vec::new(); n];
        for (i, deps) in resolved_deps.iter_mut().enumerate() {
            let node = &graph.nodes[i];
            for parent in &node.down {
                match graph.index.get(parent) {
                    Some(&p) => graph.down[i].push(p),
                    None => errors.push(GraphError::MissingParent {
                        id: node.id.clone(),
                        parent: parent.clone(),
                    }),
                }
            }
            for dep in &node.depends_on {
                match graph.index.get(dep).or_else(|| graph.labels.get(dep)) {
                    Some(&d) => deps.push(d),
                    None => errors.push(GraphError::MissingParent {
                        id: node.id.clone(),
                        parent: dep.clone(),
                    }),
                }
            }
        }
        for (i, deps) in resolved_deps.iter().enumerate() {
            for &p in &graph.down[i] {
                push_unique(&mut graph.next[p], i);
                push_unique(&mut graph.all_next[p], i);
            }
            for &d in deps {
                push_unique(&mut graph.all_next[d], i);
            }
        }
        // Dependencies an ancestor already has are not this revision's own.
        graph.deps = (0..n)
            .map(|i| {
                if resolved_deps[i].is_empty() {
                    return Vec::new();
                }
                let mut own = resolved_deps[i].clone();
                for a in graph.ancestors_by(&[i], |g, r| g.down[r].clone()) {
                    if a != i {
                        own.retain(|d| !resolved_deps[a].contains(d));
                    }
                }
                own
            })
            .collect();
        graph.heads = (0..n).filter(|&i| graph.next[i].is_empty()).collect();
        graph.bases = (0..n).filter(|&i| graph.nodes[i].down.is_empty()).collect();
        // A cycle: revisions not both below a head and above a base.
        let below_heads: HashSet<usize> = graph
            .ancestors_by(&graph.heads, |g, r| g.down[r].clone())
            .into_iter()
            .collect();
        // (A revision whose parent is missing counts as a base here: that
        // is an error of its own.)
        let roots: Vec<usize> = (0..n).filter(|&i| graph.down[i].is_empty()).collect();
        let above_bases: HashSet<usize> = graph
            .ancestors_by(&roots, |g, r| g.next[r].clone())
            .into_iter()
            .collect();
        let mut cycle: Vec<usize> = (0..n)
            .filter(|i| !(below_heads.contains(i) && above_bases.contains(i)))
            .collect();
        cycle.sort_by(|a, b| graph.nodes[*a].id.cmp(&graph.nodes[*b].id));
        if !cycle.is_empty() {
            errors.push(GraphError::Cycle {
                ids: cycle.iter().map(|&i| graph.nodes[i].id.clone()).collect(),
            });
        }
        graph.cycle = cycle.into_iter().collect();
        graph.branch_labels = graph.propagate_labels();
        (graph, errors)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }

    pub fn find(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Head revisions (no revision names them as `down_revision`), in
    /// load order.
    pub fn heads(&self) -> Vec<&str> {
        self.ids(&self.heads)
    }

    /// Base revisions (`down_revision = None`), in load order.
    pub fn bases(&self) -> Vec<&str> {
        self.ids(&self.bases)
    }

    fn ids(&self, nodes: &[usize]) -> Vec<&str> {
        nodes.iter().map(|&i| self.nodes[i].id.as_str()).collect()
    }

    pub fn is_head(&self, i: usize) -> bool {
        self.next[i].is_empty()
    }

    /// No revision depends on it in any way.
    pub fn is_real_head(&self, i: usize) -> bool {
        self.all_next[i].is_empty()
    }

    pub fn is_branch_point(&self, i: usize) -> bool {
        self.next[i].len() > 1
    }

    pub fn is_merge_point(&self, i: usize) -> bool {
        self.nodes[i].down.len() > 1
    }

    /// The revisions whose `down_revision` names revision `i`.
    pub fn children(&self, i: usize) -> Vec<&str> {
        self.ids(&self.next[i])
    }

    /// Branch labels of `i`, its own and those of its branch.
    pub fn branch_labels(&self, i: usize) -> &[String] {
        &self.branch_labels[i]
    }

    /// The ids `depends_on` names, resolved, without those an ancestor
    /// already depends on.
    pub fn dependencies(&self, i: usize) -> Vec<&str> {
        self.deps[i]
            .iter()
            .map(|&d| self.nodes[d].id.as_str())
            .collect()
    }

    pub fn branch_points(&self) -> Vec<&str> {
        (0..self.len())
            .filter(|&i| self.is_branch_point(i))
            .map(|i| self.nodes[i].id.as_str())
            .collect()
    }

    pub fn merge_points(&self) -> Vec<&str> {
        (0..self.len())
            .filter(|&i| self.is_merge_point(i))
            .map(|i| self.nodes[i].id.as_str())
            .collect()
    }

    /// `_normalized_down_revisions`: parents, then own dependencies.
    fn parents(&self, i: usize) -> Vec<usize> {
        let mut all = self.down[i].clone();
        for &d in &self.deps[i] {
            push_unique(&mut all, d);
        }
        all
    }

    /// The nodes reachable from `start` by `step` (the starts included), in
    /// the order Alembic's depth-first walk visits them.
    fn ancestors_by(
        &self,
        start: &[usize],
        step: impl Fn(&Graph, usize) -> Vec<usize>,
    ) -> Vec<usize> {
        let mut seen = vec![false; self.nodes.len()];
        let mut out = Vec::new();
        for &s in start {
            let mut todo = vec![s];
            while let Some(r) = todo.pop() {
                if std::mem::replace(&mut seen[r], true) {
                    continue;
                }
                todo.extend(step(self, r));
                out.push(r);
            }
        }
        out
    }

    fn ancestors(&self, start: &[usize]) -> Vec<usize> {
        self.ancestors_by(start, |g, r| g.parents(r))
    }

    /// Alembic's `_add_branches`: a label spreads to every descendant and
    /// up the line to the nearest branch or merge point.
    fn propagate_labels(&self) -> Vec<Vec<String>> {
        let mut labels: Vec<Vec<String>> =
            self.nodes.iter().map(|n| n.branch_labels.clone()).collect();
        for i in 0..self.len() {
            let own = self.nodes[i].branch_labels.clone();
            if own.is_empty() {
                continue;
            }
            let descendants = self.ancestors_by(&[i], |g, r| g.next[r].clone());
            for &d in &descendants {
                for label in &own {
                    push_unique(&mut labels[d], label.clone());
                }
            }
            // Alembic walks up from the last descendant it visited.
            let mut parent = descendants.last().copied();
            let mut guard = 0;
            while let Some(p) = parent {
                if self.all_next[p].len() > 1 || self.is_merge_point(p) || guard > self.len() {
                    break;
                }
                guard += 1;
                for label in &own {
                    push_unique(&mut labels[p], label.clone());
                }
                parent = self.down[p].first().copied();
            }
        }
        labels
    }

    /// Alembic's `_topological_sort`: the revisions of `todo`, each after
    /// everything that comes after it (newest first), walking down from
    /// `heads` one branch at a time.
    fn topological(&self, todo: &HashSet<usize>, heads: &[usize]) -> Vec<usize> {
        let mut todo = todo.clone();
        let mut current: Vec<usize> = heads.iter().copied().filter(|h| todo.contains(h)).collect();
        current.sort_unstable();
        current.dedup();
        let ancestors_of =
            |r: usize| -> HashSet<usize> { self.ancestors(&[r]).into_iter().collect() };
        let mut ancestors: Vec<HashSet<usize>> = current.iter().map(|&h| ancestors_of(h)).collect();
        let mut output = Vec::new();
        let mut at = 0;
        let mut budget = self.len() * self.len() + 16;
        while !current.is_empty() && budget > 0 {
            budget -= 1;
            let candidate = current[at];
            if let Some(other) = ancestors
                .iter()
                .enumerate()
                .position(|(k, a)| k != at && a.contains(&candidate))
            {
                at = other;
                continue;
            }
            if todo.remove(&candidate) {
                output.push(candidate);
            }
            let to_add: Vec<usize> = self
                .parents(candidate)
                .into_iter()
                .filter(|r| todo.contains(r) && !current.contains(r))
                .collect();
            if to_add.is_empty() {
                current.remove(at);
                ancestors.remove(at);
                at = at.saturating_sub(1);
            } else if self.deps[candidate].is_empty() && self.nodes[candidate].down.len() == 1 {
                current[at] = to_add[0];
                ancestors[at].remove(&candidate);
            } else {
                current[at] = to_add[0];
                current.extend(&to_add[1..]);
                ancestors[at] = ancestors_of(to_add[0]);
                ancestors.extend(to_add[1..].iter().map(|&r| ancestors_of(r)));
            }
        }
        // Whatever a cycle kept out, newest last.
        let mut rest: Vec<usize> = todo.into_iter().collect();
        rest.sort_unstable();
        output.extend(rest);
        output
    }

    /// Every revision, newest first: the order of `alembic history`.
    pub fn history(&self) -> Vec<usize> {
        let all: HashSet<usize> = (0..self.len()).collect();
        self.topological(&all, &self.heads)
    }

    /// The revisions `alembic history -r LOWER:UPPER` lists (newest first):
    /// those below `upper` and not below `lower` (`lower` itself included).
    pub fn range(&self, lower: &str, upper: &str) -> Result<Vec<usize>, ResolveError> {
        let targets = self.resolve(upper)?;
        let lower_nodes = self.resolve(lower)?;
        let mut needs: HashSet<usize> = self.ancestors(&targets).into_iter().collect();
        let below: HashSet<usize> = self.ancestors(&lower_nodes).into_iter().collect();
        needs.retain(|r| !below.contains(r));
        needs.extend(lower_nodes.iter().copied());
        Ok(self.topological(&needs, &targets))
    }

    /// The revisions `alembic upgrade FROM:TO` runs, in the order it runs
    /// them (oldest first).
    pub fn upgrade_path(&self, from: &str, to: &str) -> Result<Vec<usize>, ResolveError> {
        Ok(self.upgrades(&self.resolve(from)?, &self.resolve(to)?))
    }

    /// The revisions an upgrade from the `current` heads to `targets`
    /// runs, oldest first: those below a target and not below a current
    /// head.
    pub fn upgrades(&self, current: &[usize], targets: &[usize]) -> Vec<usize> {
        let mut needs: HashSet<usize> = self.ancestors(targets).into_iter().collect();
        let done: HashSet<usize> = self.ancestors(current).into_iter().collect();
        needs.retain(|r| !done.contains(r));
        let mut order = self.topological(&needs, targets);
        order.reverse();
        order
    }

    /// The revisions `alembic downgrade TO` runs from `from` (the current
    /// revisions), in the order it runs them (newest first).
    pub fn downgrade_path(&self, from: &str, to: &str) -> Result<Vec<usize>, ResolveError> {
        let target = match self.resolve(to)?.as_slice() {
            [] => None,
            [one] => Some(*one),
            _ => {
                return Err(ResolveError::MultipleHeads {
                    heads: self.heads().iter().map(|s| s.to_string()).collect(),
                });
            }
        };
        Ok(self.downgrades(&self.resolve(from)?, target, None))
    }

    /// Alembic's `_collect_downgrade_revisions`: from the `current` heads
    /// down to `target` (`None`: the base), the revisions to undo, newest
    /// first. They are the descendants of the target's children (of the
    /// bases, for the base) that are applied: a downgrade to one side of a
    /// merge undoes the merge and leaves the other side applied. `branch`
    /// (a relative `-N` walks from the first current revision) keeps only
    /// the children below it.
    pub fn downgrades(
        &self,
        current: &[usize],
        target: Option<usize>,
        branch: Option<usize>,
    ) -> Vec<usize> {
        let mut roots: Vec<usize> = match target {
            None => self.bases.clone(),
            Some(t) => self.next[t].clone(),
        };
        if let Some(b) = branch
            && roots.len() > 1
        {
            let line = self.ancestors_by(&[b], |g, r| g.down[r].clone());
            roots.retain(|r| line.contains(r));
        }
        let below: HashSet<usize> = self
            .ancestors_by(&roots, |g, r| g.all_next[r].clone())
            .into_iter()
            .collect();
        let mut undo: HashSet<usize> = self.ancestors(current).into_iter().collect();
        undo.retain(|r| below.contains(r));
        self.topological(&undo, current)
    }

    /// The revisions an identifier names: `heads`, `head` (one), `base`
    /// (none), an id or a unique prefix, a branch label, `label@head`,
    /// `rev+N` / `rev-N` / `head-N` / `base+N`.
    pub fn resolve(&self, ident: &str) -> Result<Vec<usize>, ResolveError> {
        let ident = ident.trim();
        if let Some((start, steps)) = relative(ident) {
            let from = if start.is_empty() || start == "base" && steps > 0 {
                match start {
                    "base" => None,
                    _ => {
                        return Err(ResolveError::Relative(format!(
                            "relative revision {ident} needs a starting revision"
                        )));
                    }
                }
            } else {
                match self.resolve(start)?.as_slice() {
                    [one] => Some(*one),
                    [] => None,
                    _ => {
                        return Err(ResolveError::MultipleHeads {
                            heads: self.heads().iter().map(|s| s.to_string()).collect(),
                        });
                    }
                }
            };
            return self
                .walk(from, steps, ident)
                .map(|r| r.into_iter().collect());
        }
        if let Some((label, what)) = ident.split_once('@') {
            let mut branch: Vec<usize> = (0..self.len())
                .filter(|&i| self.branch_labels[i].iter().any(|l| l == label))
                .collect();
            // Not a label: a revision, whose lineage is the branch (as
            // Alembic's `_resolve_branch` falls back to it).
            if branch.is_empty()
                && let Ok(found) = self.resolve(label)
                && let [one] = found.as_slice()
            {
                branch = self.lineage(*one);
            }
            if branch.is_empty() {
                return Err(ResolveError::NotFound(label.to_string()));
            }
            let on_branch = |nodes: &[usize]| -> Vec<usize> {
                nodes
                    .iter()
                    .copied()
                    .filter(|n| branch.contains(n))
                    .collect()
            };
            return match what {
                "head" | "heads" => {
                    let heads = on_branch(&self.heads);
                    if what == "head" && heads.len() > 1 {
                        return Err(ResolveError::MultipleHeads {
                            heads: self.ids(&heads).iter().map(|s| s.to_string()).collect(),
                        });
                    }
                    Ok(heads)
                }
                "base" => Ok(on_branch(&self.bases)),
                other => self.resolve(other),
            };
        }
        match ident {
            "heads" => Ok(self.heads.clone()),
            "head" => match self.heads.as_slice() {
                [] => Ok(Vec::new()),
                [one] => Ok(vec![*one]),
                _ => Err(ResolveError::MultipleHeads {
                    heads: self.heads().iter().map(|s| s.to_string()).collect(),
                }),
            },
            "base" | "" => Ok(Vec::new()),
            id => {
                if let Some(&i) = self.index.get(id) {
                    return Ok(vec![i]);
                }
                if let Some(&i) = self.labels.get(id) {
                    return Ok(vec![i]);
                }
                let candidates: Vec<usize> = (0..self.len())
                    .filter(|&i| self.nodes[i].id.starts_with(id))
                    .collect();
                match candidates.as_slice() {
                    [one] => Ok(vec![*one]),
                    [] => Err(ResolveError::NotFound(id.to_string())),
                    many => {
                        let mut ids: Vec<String> =
                            many.iter().map(|&i| self.nodes[i].id.clone()).collect();
                        ids.sort();
                        Err(ResolveError::Ambiguous {
                            prefix: id.to_string(),
                            candidates: ids,
                        })
                    }
                }
            }
        }
    }

    /// A revision with everything below and above it.
    fn lineage(&self, node: usize) -> Vec<usize> {
        let mut seen = vec![node];
        let mut up = vec![node];
        while let Some(i) = up.pop() {
            for child in self.children(i) {
                if let Some(c) = self.find(child)
                    && !seen.contains(&c)
                {
                    seen.push(c);
                    up.push(c);
                }
            }
        }
        let mut down = vec![node];
        while let Some(i) = down.pop() {
            for parent in &self.nodes[i].down {
                if let Some(p) = self.find(parent)
                    && !seen.contains(&p)
                {
                    seen.push(p);
                    down.push(p);
                }
            }
        }
        seen
    }

    /// `steps` up (positive) or down (negative) from `from` (`None`: below
    /// the bases), as Alembic's `_walk` goes: a step with two ways to go is
    /// "Ambiguous walk", one with none did not produce the migrations.
    pub fn walk(
        &self,
        from: Option<usize>,
        steps: i64,
        ident: &str,
    ) -> Result<Option<usize>, ResolveError> {
        let mut at = from;
        let fail = || {
            ResolveError::Relative(format!(
                "Relative revision {ident} didn't produce {} migrations",
                steps.abs()
            ))
        };
        for _ in 0..steps.unsigned_abs() {
            let ways: Vec<Option<usize>> = if steps > 0 {
                match at {
                    Some(r) => self.next[r].iter().map(|&n| Some(n)).collect(),
                    None => self.bases.iter().map(|&n| Some(n)).collect(),
                }
            } else {
                let r = at.ok_or_else(fail)?;
                match self.down[r].as_slice() {
                    [] => vec![None],
                    down => down.iter().map(|&n| Some(n)).collect(),
                }
            };
            at = match ways.as_slice() {
                [] => return Err(fail()),
                [one] => *one,
                _ => return Err(ResolveError::Relative("Ambiguous walk".to_string())),
            };
        }
        Ok(at)
    }

    /// Revisions in a cycle (their order is not Alembic's).
    pub fn in_cycle(&self, i: usize) -> bool {
        self.cycle.contains(&i)
    }
}

impl Graph {}

impl Graph {}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// `rev+N`, `rev-N`, `+N`, `-N` → (rev, ±N).
/// `rev+N`, `-N`: the start (maybe empty) and the signed steps.
pub fn relative(ident: &str) -> Option<(&str, i64)> {
    let at = ident.rfind(['+', '-'])?;
    let (start, number) = ident.split_at(at);
    let n: i64 = number[1..].parse().ok()?;
    let sign = if number.starts_with('-') { -1 } else { 1 };
    Some((start, sign * n))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn node(id: &str, down: &[&str]) -> Node {
        Node {
            id: id.into(),
            down: down.iter().map(|d| d.to_string()).collect(),
            doc: format!("rev {id}"),
            ..Node::default()
        }
    }

    /// a ← b ← c, b ← d (branch), c + d ← e (merge), e ← f.
    fn diamond() -> Graph {
        let (graph, errors) = Graph::build(vec![
            node("a1", &[]),
            node("b2", &["a1"]),
            node("c3", &["b2"]),
            node("d4", &["b2"]),
            node("e5", &["c3", "d4"]),
            node("f6", &["e5"]),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        graph
    }

    #[test]
    fn heads_bases_branch_and_merge_points() {
        let g = diamond();
        assert_eq!(g.heads(), ["f6"]);
        assert_eq!(g.bases(), ["a1"]);
        assert_eq!(g.branch_points(), ["b2"]);
        assert_eq!(g.merge_points(), ["e5"]);
        let order: Vec<&str> = g.history().iter().map(|&i| g.node(i).id.as_str()).collect();
        // As Alembic 1.20's RevisionMap orders them (checked with it).
        assert_eq!(order, ["f6", "e5", "c3", "d4", "b2", "a1"]);
        let (two, _) = Graph::build(vec![
            node("a1", &[]),
            node("b2", &["a1"]),
            node("c3", &["b2"]),
            node("x9", &["a1"]),
            node("y8", &["x9"]),
            node("z7", &["c3"]),
        ]);
        let order: Vec<&str> = two
            .history()
            .iter()
            .map(|&i| two.node(i).id.as_str())
            .collect();
        assert_eq!(order, ["y8", "x9", "z7", "c3", "b2", "a1"]);
        assert_eq!(two.heads(), ["y8", "z7"]);
        assert_eq!(g.history_line(4, &[]), "c3, d4 -> e5 (mergepoint), rev e5");
        assert_eq!(g.history_line(1, &[]), "a1 -> b2 (branchpoint), rev b2");
    }

    #[test]
    fn identifiers_resolve_like_alembic() {
        let g = diamond();
        let ids = |r: Result<Vec<usize>, ResolveError>| -> Vec<String> {
            r.unwrap_or_default()
                .iter()
                .map(|&i| g.node(i).id.clone())
                .collect()
        };
        assert_eq!(ids(g.resolve("head")), ["f6"]);
        assert_eq!(ids(g.resolve("e")), ["e5"]);
        assert_eq!(ids(g.resolve("head-1")), ["e5"]);
        assert_eq!(ids(g.resolve("base+2")), ["b2"]);
        assert_eq!(ids(g.resolve("c3+1")), ["e5"]);
        assert!(matches!(g.resolve("b2+1"), Err(ResolveError::Relative(_))));
        assert!(matches!(g.resolve("zz"), Err(ResolveError::NotFound(_))));
        let (two, _) = Graph::build(vec![
            node("abc1", &[]),
            node("abd2", &["abc1"]),
            node("abc9", &["abc1"]),
        ]);
        assert_eq!(
            two.resolve("abc"),
            Err(ResolveError::Ambiguous {
                prefix: "abc".into(),
                candidates: vec!["abc1".into(), "abc9".into()]
            })
        );
        assert!(matches!(
            two.resolve("head"),
            Err(ResolveError::MultipleHeads { .. })
        ));
        let path: Vec<&str> = g
            .upgrade_path("c3", "heads")
            .unwrap_or_default()
            .iter()
            .map(|&i| g.node(i).id.as_str())
            .collect();
        assert_eq!(path, ["d4", "e5", "f6"]);
        let down: Vec<&str> = g
            .downgrade_path("heads", "b2")
            .unwrap_or_default()
            .iter()
            .map(|&i| g.node(i).id.as_str())
            .collect();
        assert_eq!(down, ["f6", "e5", "c3", "d4"]);
    }

    #[test]
    fn broken_histories_are_errors_and_the_rest_is_still_a_graph() {
        let (g, errors) = Graph::build(vec![
            node("a1", &[]),
            node("a1", &[]),
            node("b2", &["zz"]),
            node("c3", &["d4"]),
            node("d4", &["c3"]),
        ]);
        assert!(errors.contains(&GraphError::Duplicate { id: "a1".into() }));
        assert!(errors.contains(&GraphError::MissingParent {
            id: "b2".into(),
            parent: "zz".into()
        }));
        assert!(
            errors
                .iter()
                .any(|e| matches!(e, GraphError::Cycle { ids } if ids == &["c3", "d4"]))
        );
        assert_eq!(g.history().len(), 4);
    }

    #[test]
    fn the_layout_gives_each_line_of_development_a_lane() {
        let g = diamond();
        let layout = g.layout();
        let lane = |id: &str| {
            let i = g.find(id).unwrap_or(usize::MAX);
            layout.placed.iter().find(|p| p.0 == i).map(|p| (p.1, p.2))
        };
        // f6 e5 c3 d4 b2 a1, newest first; the side line d4 in lane 1.
        assert_eq!(lane("f6"), Some((0, 0)));
        assert_eq!(lane("e5"), Some((1, 0)));
        assert_eq!(lane("c3"), Some((2, 0)));
        assert_eq!(lane("d4"), Some((3, 1)));
        assert_eq!(lane("b2"), Some((4, 0)));
        assert_eq!(lane("a1"), Some((5, 0)));
        assert_eq!(layout.lanes, 2);
        assert_eq!(layout.edges.len(), 6);
    }

    #[test]
    fn the_picture_has_a_node_per_revision_and_a_curve_per_parent() {
        let g = diamond();
        let svg = g.svg(g.find("c3"));
        assert_eq!(svg.matches("data-testid=\"history-node\"").count(), 6);
        assert_eq!(svg.matches("data-testid=\"history-edge\"").count(), 6);
        assert!(
            svg.contains("class=\"node head\" data-testid=\"history-node\" data-revision=\"f6\"")
        );
        assert!(svg.contains("class=\"node merge\""));
        assert!(svg.contains("class=\"node current\""));
        // Text is escaped: `<base>` is no element.
        assert!(svg.contains("&lt;base&gt; -&gt; a1, rev a1"));
        assert!(!svg.contains("<base>"));
    }

    #[test]
    fn branch_labels_spread_along_their_branch() {
        let mut labelled = node("b2", &["a1"]);
        labelled.branch_labels = vec!["feature".into()];
        let (g, _) = Graph::build(vec![
            node("a1", &[]),
            labelled,
            node("c3", &["b2"]),
            node("x9", &["a1"]),
        ]);
        assert_eq!(g.branch_labels(2), ["feature"]);
        let heads: Vec<&str> = g
            .resolve("feature@head")
            .unwrap_or_default()
            .iter()
            .map(|&i| g.node(i).id.as_str())
            .collect();
        assert_eq!(heads, ["c3"]);
        assert!(g.branch_labels(0).is_empty());
    }
}
