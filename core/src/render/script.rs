//! Revisions → one offline SQL script, as `alembic upgrade --sql` (or
//! `downgrade --sql`) prints it: the version table, `-- Running upgrade a ->
//! b`, each revision's statements, and the `alembic_version` rows kept as
//! Alembic's `HeadMaintainer` keeps them (a row inserted for a base or a new
//! branch, a merge deleting all but one parent row and moving that one, a
//! downgrade deleting, unmerging or moving back, `depends_on` counted among
//! the parents). [`files_script`] orders revision files as Alembic runs them
//! (through [`crate::graph`]).

use std::collections::{HashMap, HashSet};

use super::sql::{CreatedEnums, Statement, statements};
use crate::op::Migration;
use crate::schema::EnumType;

/// One revision of an offline script.
#[derive(Debug, Clone)]
pub struct ScriptRevision<'a> {
    pub rev_id: &'a str,
    /// `down_revision` as written: none (a base), one, or several (a
    /// merge).
    pub down_revisions: Vec<&'a str>,
    /// `depends_on` revisions that are not already an ancestor's: with
    /// `down_revisions`, what Alembic's version table moves from
    /// (`_normalized_down_revisions`).
    pub depends_on: Vec<&'a str>,
    pub migration: &'a Migration,
}

impl<'a> ScriptRevision<'a> {
    /// A revision with one parent (or none) and no dependencies.
    pub fn linear(
        rev_id: &'a str,
        down_revision: Option<&'a str>,
        migration: &'a Migration,
    ) -> Self {
        ScriptRevision {
            rev_id,
            down_revisions: down_revision.into_iter().collect(),
            depends_on: Vec::new(),
            migration,
        }
    }

    /// `down_revisions` then `depends_on`, once each.
    fn parents(&self) -> Vec<&'a str> {
        let mut all = self.down_revisions.clone();
        for d in &self.depends_on {
            if !all.contains(d) {
                all.push(d);
            }
        }
        all
    }
}

/// The rows of `alembic_version` while a script runs (Alembic's
/// `HeadMaintainer`): which revisions are heads, and the statements that
/// move them for each step.
pub(crate) struct Heads<'a> {
    heads: Vec<&'a str>,
    /// Each revision of the script and its parents, for ancestry.
    parents: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Heads<'a> {
    /// The rows `heads` of a database whose revisions have `parents`
    /// (each with its `down_revision`s, then its `depends_on`).
    pub(crate) fn new(heads: Vec<&'a str>, parents: HashMap<&'a str, Vec<&'a str>>) -> Self {
        Heads { heads, parents }
    }

    /// `of` and every revision below it within the script.
    fn ancestors(&self, of: &[&'a str]) -> HashSet<&'a str> {
        let mut seen = HashSet::new();
        let mut todo: Vec<&'a str> = of.to_vec();
        while let Some(r) = todo.pop() {
            if seen.insert(r)
                && let Some(parents) = self.parents.get(r)
            {
                todo.extend(parents.iter().copied());
            }
        }
        seen
    }

    fn insert(&mut self, out: &mut Vec<String>, rev: &'a str) {
        self.heads.push(rev);
        out.push(format!(
            "INSERT INTO alembic_version (version_num) VALUES ('{rev}') RETURNING alembic_version.version_num"
        ));
    }

    fn delete(&mut self, out: &mut Vec<String>, rev: &str) {
        self.heads.retain(|h| *h != rev);
        out.push(format!(
            "DELETE FROM alembic_version WHERE alembic_version.version_num = '{rev}'"
        ));
    }

    fn update(&mut self, out: &mut Vec<String>, from: &str, to: &'a str) {
        self.heads.retain(|h| *h != from);
        self.heads.push(to);
        out.push(format!(
            "UPDATE alembic_version SET version_num='{to}' WHERE alembic_version.version_num = '{from}'"
        ));
    }

    /// Upgrading to `rev`: a new row for a base or a revision none of
    /// whose parents is a head (a new branch), one row for a merge of
    /// several heads (the others deleted), else the parent's row updated.
    pub(crate) fn upgrade(&mut self, rev: &ScriptRevision<'a>) -> Vec<String> {
        let mut out = Vec::new();
        let parents = rev.parents();
        let present: Vec<&'a str> = parents
            .iter()
            .copied()
            .filter(|p| self.heads.contains(p))
            .collect();
        if present.is_empty() {
            self.insert(&mut out, rev.rev_id);
        } else if present.len() > 1 {
            // A parent below another head stays that head's ancestor.
            let others: Vec<&'a str> = self
                .heads
                .iter()
                .copied()
                .filter(|h| !parents.contains(h))
                .collect();
            let below = self.ancestors(&others);
            let from: Vec<&'a str> = present.into_iter().filter(|p| !below.contains(p)).collect();
            if let Some((last, rest)) = from.split_last() {
                for r in rest {
                    self.delete(&mut out, r);
                }
                self.update(&mut out, last, rev.rev_id);
            }
        } else {
            self.update(&mut out, present[0], rev.rev_id);
        }
        out
    }

    /// The parents that become heads when `rev` is undone.
    fn unmerged(&self, rev: &ScriptRevision<'a>) -> Vec<&'a str> {
        let parents = rev.parents();
        let others: Vec<&'a str> = self
            .heads
            .iter()
            .copied()
            .filter(|h| *h != rev.rev_id)
            .collect();
        let below: HashSet<&'a str> = if others.is_empty() {
            // Parents below another parent are not heads after it.
            parents
                .iter()
                .flat_map(|p| {
                    let mut a = self.ancestors(&[p]);
                    a.remove(p);
                    a
                })
                .collect()
        } else {
            self.ancestors(&others)
        };
        parents.into_iter().filter(|p| !below.contains(p)).collect()
    }

    /// Downgrading `rev`: its row deleted when no parent becomes a head,
    /// rows inserted for a merge's other parents, else updated to the
    /// parent.
    pub(crate) fn downgrade(&mut self, rev: &ScriptRevision<'a>) -> Vec<String> {
        let mut out = Vec::new();
        let to = self.unmerged(rev);
        let parents = rev.parents();
        if parents.is_empty() || to.is_empty() {
            self.delete(&mut out, rev.rev_id);
        } else if parents.len() > 1 {
            if let Some((last, rest)) = to.split_last() {
                for r in rest {
                    self.insert(&mut out, r);
                }
                self.update(&mut out, rev.rev_id, last);
            }
        } else {
            self.update(&mut out, rev.rev_id, parents[0]);
        }
        out
    }
}

/// Which way an offline script runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Upgrade,
    Downgrade,
}

/// What could not be written into an offline script, and in which revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub rev_id: String,
    pub message: String,
}

/// An offline script and what could not be written into it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfflineScript {
    pub text: String,
    pub errors: Vec<ScriptError>,
}

/// An offline script of revision files, and what stood in its way.
#[derive(Debug, Clone, Default)]
pub struct FilesScript {
    pub script: OfflineScript,
    /// The revisions it runs (indexes into the files given), in order.
    pub order: Vec<usize>,
    /// Duplicate ids, cycles, reused labels, a target that names nothing.
    pub problems: Vec<String>,
    /// Parents named but not among the files: the script starts from them,
    /// which is no problem for part of a chain (a caller that was given a
    /// whole folder may say so).
    pub missing_parents: Vec<String>,
}

/// Revision files as Alembic runs them offline: `alembic upgrade TARGET
/// --sql` from an empty database (`TARGET` = `heads`: every branch, merges
/// included), or `alembic downgrade TARGET:base --sql`. Files whose
/// parents are not among them start from those parents (as `alembic
/// upgrade PARENT:TARGET --sql` would); files without an id are left out.
pub fn files_script(
    revisions: &[&crate::revision::Revision],
    direction: Direction,
    target: &str,
) -> FilesScript {
    use crate::graph::{Graph, Node};
    let mut nodes: Vec<Node> = Vec::new();
    let mut of = Vec::new();
    for (i, revision) in revisions.iter().enumerate() {
        if let Some(node) = revision.node()
            && !nodes.iter().any(|n| n.id == node.id)
        {
            of.push(i);
            nodes.push(node);
        }
    }
    let (graph, errors) = Graph::build(nodes);
    let (missing, others): (Vec<_>, Vec<_>) = errors
        .iter()
        .partition(|e| matches!(e, crate::graph::GraphError::MissingParent { .. }));
    let mut problems: Vec<String> = others.iter().map(ToString::to_string).collect();
    let path = match direction {
        Direction::Upgrade => graph.upgrade_path("base", target),
        Direction::Downgrade => graph.downgrade_path(target, "base"),
    };
    let path = path.unwrap_or_else(|error| {
        problems.push(error.to_string());
        Vec::new()
    });
    // Oldest first, as `script` takes them.
    let mut oldest_first = path.clone();
    if direction == Direction::Downgrade {
        oldest_first.reverse();
    }
    let mut enums: Vec<EnumType> = Vec::new();
    for &n in &oldest_first {
        for e in &revisions[of[n]].enums {
            if !enums.contains(e) {
                enums.push(e.clone());
            }
        }
    }
    let steps: Vec<ScriptRevision<'_>> = oldest_first
        .iter()
        .map(|&n| ScriptRevision {
            rev_id: &graph.node(n).id,
            down_revisions: graph.node(n).down.iter().map(String::as_str).collect(),
            depends_on: graph.dependencies(n),
            migration: &revisions[of[n]].migration,
        })
        .collect();
    FilesScript {
        script: script(&steps, direction, &enums),
        order: path.iter().map(|&n| of[n]).collect(),
        problems,
        missing_parents: missing.iter().map(ToString::to_string).collect(),
    }
}

/// The SQL `alembic upgrade --sql` (or `downgrade --sql`) prints for a
/// chain of revisions, oldest first: one transaction, the version table
/// created when the chain starts at the base, `-- Running upgrade` before
/// each revision, the version row written after it.
pub fn script(
    revisions: &[ScriptRevision<'_>],
    direction: Direction,
    enums: &[EnumType],
) -> OfflineScript {
    let mut text = String::new();
    let mut memo = CreatedEnums::default();
    let emit = |text: &mut String, statement: &str| {
        text.push_str(statement);
        text.push_str(";\n\n");
    };
    emit(&mut text, "BEGIN");
    let starts_at_base = revisions.first().is_some_and(|r| r.parents().is_empty());
    if direction == Direction::Upgrade && starts_at_base {
        emit(
            &mut text,
            "CREATE TABLE alembic_version (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)",
        );
    }
    let ordered: Vec<&ScriptRevision<'_>> = match direction {
        Direction::Upgrade => revisions.iter().collect(),
        Direction::Downgrade => revisions.iter().rev().collect(),
    };
    let ids: HashSet<&str> = revisions.iter().map(|r| r.rev_id).collect();
    let mut heads = Heads {
        heads: Vec::new(),
        parents: revisions.iter().map(|r| (r.rev_id, r.parents())).collect(),
    };
    // Where the script starts: below the first revisions (upgrade), or at
    // the revisions nothing in the script revises (downgrade).
    let named: HashSet<&str> = revisions.iter().flat_map(|r| r.parents()).collect();
    for r in revisions {
        match direction {
            Direction::Upgrade => {
                for p in r.parents() {
                    if !ids.contains(p) && !heads.heads.contains(&p) {
                        heads.heads.push(p);
                    }
                }
            }
            Direction::Downgrade => {
                if !named.contains(r.rev_id) {
                    heads.heads.push(r.rev_id);
                }
            }
        }
    }
    let mut errors = Vec::new();
    for revision in ordered {
        let down = revision.down_revisions.join(", ");
        let (ops, heading) = match direction {
            Direction::Upgrade => (
                &revision.migration.upgrade,
                format!("-- Running upgrade {down} -> {}\n\n", revision.rev_id),
            ),
            Direction::Downgrade => (
                &revision.migration.downgrade,
                format!("-- Running downgrade {} -> {down}\n\n", revision.rev_id),
            ),
        };
        text.push_str(&heading);
        for op in ops {
            for statement in statements(op, enums, &mut memo) {
                match statement {
                    Statement::Sql(sql) => emit(&mut text, &sql),
                    Statement::Commit => emit(&mut text, "COMMIT"),
                    Statement::Begin => emit(&mut text, "BEGIN"),
                    Statement::Error(message) => {
                        text.push_str(&format!("-- retort: error: {message}\n\n"));
                        errors.push(ScriptError {
                            rev_id: revision.rev_id.to_string(),
                            message,
                        });
                    }
                }
            }
        }
        let versions = match direction {
            Direction::Upgrade => heads.upgrade(revision),
            Direction::Downgrade => heads.downgrade(revision),
        };
        for version in versions {
            emit(&mut text, &version);
        }
    }
    emit(&mut text, "COMMIT");
    OfflineScript { text, errors }
}
