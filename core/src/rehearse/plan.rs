//! The planning: revisions read into a graph, a command walked through
//! it, the actions laid out.

use std::collections::HashMap;

use super::{
    Action, AlembicCommand, ExpectedLock, LOG, Plan, PlannedOp, Run, RunOptions, TimelineRow,
    VERSION_TABLE,
};
use crate::graph::{Graph, Line, Node, ResolveError};
use crate::op::Op;
use crate::render::script::{Heads, ScriptRevision};
use crate::render::sql::{CreatedEnums, Statement, statements};
use crate::report::review::segments;
use crate::revision::{Revision, read_revision};
use crate::schema::{EnumType, Schema};
use crate::text::Span;

/// Revisions to rehearse: the Revision pane's text (one revision or a
/// chain cut by separator lines) or the files of a `versions/` folder.
#[derive(Debug, Default)]
pub struct Chain {
    graph: Graph,
    revisions: Vec<Revision>,
    /// Per graph node, its revision.
    of: Vec<usize>,
    /// Per revision: which text it was read from, and where in that text
    /// it starts.
    places: Vec<(usize, usize)>,
    /// The texts, for the ops' labels.
    texts: Vec<String>,
    enums: Vec<EnumType>,
    /// Revisions left out (no id, a duplicate) and graph errors.
    pub problems: Vec<String>,
}

impl Chain {
    /// The revisions of one editor text.
    pub fn from_text(text: &str) -> Chain {
        let parts = segments(text)
            .into_iter()
            .map(|span| {
                let (revision, _) = read_revision(&text[span.start..span.end]);
                (revision, (0, span.start))
            })
            .collect();
        Chain::build(parts, vec![text.to_string()])
    }

    /// The revisions of a folder's files, as `(path, text)`, in the order
    /// Alembic loads them (sorted by path).
    pub fn from_files(files: &[(String, String)]) -> Chain {
        Chain::from_read(
            files
                .iter()
                .map(|(_, text)| (read_revision(text).0, text.clone()))
                .collect(),
        )
    }

    /// Revision files already read (each with its text), in load order.
    pub fn from_read(read: Vec<(Revision, String)>) -> Chain {
        let (parts, texts) = read
            .into_iter()
            .enumerate()
            .map(|(i, (revision, text))| ((revision, (i, 0)), text))
            .unzip();
        Chain::build(parts, texts)
    }

    fn build(parts: Vec<(Revision, (usize, usize))>, texts: Vec<String>) -> Chain {
        let mut problems = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut of = Vec::new();
        let mut enums: Vec<EnumType> = Vec::new();
        for (i, (revision, _)) in parts.iter().enumerate() {
            match revision.node() {
                Some(node) if nodes.iter().any(|n| n.id == node.id) => {
                    problems.push(format!("revision {} is in the text twice", node.id));
                }
                Some(node) => {
                    of.push(i);
                    nodes.push(node);
                }
                None => problems.push(format!(
                    "revision {} has no `revision = '…'` line and is left out",
                    i + 1
                )),
            }
            for e in &revision.enums {
                if !enums.contains(e) {
                    enums.push(e.clone());
                }
            }
        }
        let (graph, errors) = Graph::build(nodes);
        problems.extend(errors.iter().map(ToString::to_string));
        let (revisions, places) = parts.into_iter().unzip();
        Chain {
            graph,
            revisions,
            of,
            places,
            texts,
            enums,
            problems,
        }
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// Text `file` the revisions were read from.
    pub fn text(&self, file: usize) -> &str {
        self.texts.get(file).map_or("", String::as_str)
    }

    /// The enum types the revisions declare.
    pub(super) fn enums(&self) -> &[EnumType] {
        &self.enums
    }

    pub(super) fn revision(&self, node: usize) -> &Revision {
        &self.revisions[self.of[node]]
    }

    /// The database's `alembic_version` rows as graph nodes, in the
    /// table's order; an id the revisions do not know is Alembic's error.
    fn nodes_of(&self, current: &[String]) -> Result<Vec<usize>, String> {
        current
            .iter()
            .map(|id| {
                self.graph
                    .find(id)
                    .ok_or_else(|| format!("Can't locate revision identified by '{id}'"))
            })
            .collect()
    }
}

/// The revisions, newest first, with the `current` ones marked.
pub fn timeline(chain: &Chain, current: &[String]) -> Vec<TimelineRow> {
    let marked: Vec<usize> = current.iter().filter_map(|c| chain.graph.find(c)).collect();
    chain
        .graph
        .history()
        .into_iter()
        .map(|i| TimelineRow {
            revision: chain.graph.node(i).id.clone(),
            line: chain.graph.history_line(i, &marked),
            current: marked.contains(&i),
            head: chain.graph.is_head(i),
        })
        .collect()
}

/// Plans `command` against a database whose `alembic_version` holds
/// `current` (in the table's order).
pub fn plan(
    chain: &Chain,
    current: &[String],
    command: &AlembicCommand,
    options: RunOptions,
) -> Plan {
    let mut plan = Plan::default();
    if command.connects() {
        plan.output
            .push(format!("{LOG} Context impl PostgresqlImpl."));
        plan.output
            .push(format!("{LOG} Will assume transactional DDL."));
    }
    let result = match command {
        AlembicCommand::Current => chain.nodes_of(current).map(|nodes| {
            for i in nodes {
                plan.output.push(chain.graph.line(
                    i,
                    Line {
                        tree: true,
                        no_labels: true,
                        ..Line::default()
                    },
                    &[],
                ));
            }
        }),
        AlembicCommand::Heads => {
            for head in chain.graph.heads() {
                if let Some(i) = chain.graph.find(head) {
                    plan.output.push(chain.graph.line(i, Line::default(), &[]));
                }
            }
            Ok(())
        }
        AlembicCommand::History { indicate_current } => {
            let marked = if *indicate_current {
                chain.nodes_of(current)
            } else {
                Ok(Vec::new())
            };
            marked.map(|marked| {
                for i in chain.graph.history() {
                    plan.output.push(chain.graph.history_line(i, &marked));
                }
            })
        }
        AlembicCommand::Upgrade(target) => chain
            .nodes_of(current)
            .and_then(|nodes| upgrade_targets(chain, &nodes, target).map(|t| (nodes, t)))
            .map(|(nodes, targets)| {
                let path = chain.graph.upgrades(&nodes, &targets);
                lay_out(chain, current, &path, true, options, &mut plan);
            }),
        AlembicCommand::Downgrade(target) => chain
            .nodes_of(current)
            .and_then(|nodes| {
                if target.starts_with('-') && nodes.len() > 1 {
                    plan.output.push(
                        "UserWarning: downgrade -1 from multiple heads is ambiguous; this usage \
                         will be disallowed in a future release."
                            .to_string(),
                    );
                }
                downgrade_path(chain, &nodes, target)
            })
            .map(|(from, path)| {
                lay_out(chain, &from, &path, false, options, &mut plan);
            }),
        AlembicCommand::Stamp(target) => chain
            .nodes_of(current)
            .and_then(|_| resolve(chain, target, target))
            .map(|targets| stamp(chain, current, &targets, &mut plan)),
    };
    if let Err(message) = result {
        plan.error = Some(message);
        plan.actions.clear();
        plan.runs.clear();
    }
    plan
}

/// An identifier resolved, with Alembic's command-line wording of what
/// goes wrong (`end`: the command's destination, named in some errors).
fn resolve(chain: &Chain, ident: &str, end: &str) -> Result<Vec<usize>, String> {
    chain
        .graph
        .resolve(ident)
        .map_err(|e| alembic_error(e, end))
}

fn alembic_error(error: ResolveError, end: &str) -> String {
    match error {
        ResolveError::NotFound(id) => format!("Can't locate revision identified by '{id}'"),
        ResolveError::MultipleHeads { .. } => format!(
            "Multiple head revisions are present for given argument '{end}'; please specify a \
             specific target revision, '<branchname>@{end}' to narrow to a specific head, or \
             'heads' for all heads"
        ),
        ResolveError::Ambiguous { prefix, candidates } => format!(
            "Multiple revisions start with '{prefix}': {}",
            candidates
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ResolveError::Relative(message) => message,
    }
}

/// Alembic's `_parse_upgrade_target`: `+N` walks up from the one current
/// revision, `rev+N` from `rev`; anything else is an identifier.
fn upgrade_targets(chain: &Chain, current: &[usize], target: &str) -> Result<Vec<usize>, String> {
    let Some((start, steps)) = crate::graph::relative(target).filter(|_| !target.contains('@'))
    else {
        return resolve(chain, target, target);
    };
    let number = &target[start.len()..];
    let from = if start.is_empty() {
        match current {
            [] => None,
            [one] => Some(*one),
            _ => return Err("Ambiguous upgrade from multiple current revisions".to_string()),
        }
    } else {
        match resolve(chain, start, target)?.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    };
    match chain.graph.walk(from, steps, number) {
        Ok(Some(at)) => Ok(vec![at]),
        Ok(None) if steps < 0 => Ok(Vec::new()),
        Ok(None) => Err(format!(
            "Relative revision {number} didn't produce {} migrations",
            steps.abs()
        )),
        Err(e) => Err(alembic_error(e, target)),
    }
}

/// Alembic's `_parse_downgrade_target` and `_collect_downgrade_revisions`:
/// the revisions the rows start from, and those undone, newest first.
/// `-N` walks down from the first current revision and undoes only its
/// line.
fn downgrade_path(
    chain: &Chain,
    current: &[usize],
    target: &str,
) -> Result<(Vec<String>, Vec<usize>), String> {
    let ids: Vec<String> = current
        .iter()
        .map(|&n| chain.graph.node(n).id.clone())
        .collect();
    let (to, branch) = match crate::graph::relative(target).filter(|_| !target.contains('@')) {
        Some((start, steps)) => {
            let number = &target[start.len()..];
            let didnt = || {
                format!(
                    "Relative revision {number} didn't produce {} migrations",
                    steps.abs()
                )
            };
            let (from, branch) = if start.is_empty() {
                if steps >= 0 {
                    return Err(didnt());
                }
                let first = *current.first().ok_or_else(didnt)?;
                (Some(first), Some(first))
            } else {
                (resolve(chain, start, target)?.first().copied(), None)
            };
            let to = chain
                .graph
                .walk(from, steps, number)
                .map_err(|e| alembic_error(e, target))?;
            (to, branch)
        }
        None => match resolve(chain, target, target)?.as_slice() {
            [] => (None, None),
            [one] => (Some(*one), None),
            _ => {
                return Err(alembic_error(
                    ResolveError::MultipleHeads { heads: Vec::new() },
                    target,
                ));
            }
        },
    };
    let path = chain.graph.downgrades(current, to, branch);
    if let Some(t) = to
        && path.is_empty()
        && !current.contains(&t)
    {
        return Err(format!(
            "Destination {target} is not a valid downgrade target from current head(s)"
        ));
    }
    Ok((ids, path))
}

/// The parents of every revision, for the version rows' bookkeeping.
fn parents_of(chain: &Chain) -> HashMap<&str, Vec<&str>> {
    (0..chain.graph.len())
        .map(|i| {
            let node = chain.graph.node(i);
            let mut parents: Vec<&str> = node.down.iter().map(String::as_str).collect();
            for d in chain.graph.dependencies(i) {
                if !parents.contains(&d) {
                    parents.push(d);
                }
            }
            (node.id.as_str(), parents)
        })
        .collect()
}

/// The runs and actions of an upgrade or downgrade along `path`.
fn lay_out(
    chain: &Chain,
    current: &[String],
    path: &[usize],
    upgrade: bool,
    options: RunOptions,
    plan: &mut Plan,
) {
    let mut heads = Heads::new(
        current.iter().map(String::as_str).collect(),
        parents_of(chain),
    );
    let mut memo = CreatedEnums::default();
    let mut actions = vec![
        Action::Begin,
        Action::Version {
            run: None,
            sql: VERSION_TABLE.to_string(),
        },
    ];
    for (r, &node) in path.iter().enumerate() {
        let revision = chain.revision(node);
        let graph_node = chain.graph.node(node);
        let down = graph_node.down.join(", ");
        let log = if upgrade {
            format!(
                "{LOG} Running upgrade {down} -> {}, {}",
                graph_node.id, graph_node.doc
            )
        } else {
            format!(
                "{LOG} Running downgrade {} -> {down}, {}",
                graph_node.id, graph_node.doc
            )
        };
        if options.transaction_per_migration && r > 0 {
            actions.push(Action::Begin);
        }
        actions.push(Action::Start { run: r });
        let (file, offset) = chain.places[chain.of[node]];
        let text = &chain.texts[file];
        let (ops, spans) = if upgrade {
            (&revision.migration.upgrade, &revision.spans.0)
        } else {
            (&revision.migration.downgrade, &revision.spans.1)
        };
        let expected = if upgrade {
            expected_locks(revision, &text[offset..])
        } else {
            Vec::new()
        };
        let mut planned = Vec::new();
        let mut at = 0;
        let mut failed = false;
        for op in ops {
            let mut flat = Vec::new();
            flatten(op, &mut at, spans, &mut flat);
            let block = matches!(op, Op::AutocommitBlock(_));
            if block {
                actions.push(Action::Commit);
            }
            for (inner, own) in flat {
                let span = own.map(|s| Span::new(s.start + offset, s.end + offset));
                let label = span
                    .and_then(|s| text.get(s.start..s.end))
                    .and_then(|t| t.lines().next())
                    .unwrap_or("")
                    .trim()
                    .chars()
                    .take(160)
                    .collect();
                let index = planned.len();
                let mut sql = Vec::new();
                for statement in statements(inner, &chain.enums, &mut memo) {
                    match statement {
                        Statement::Sql(text) => {
                            actions.push(Action::Exec {
                                run: r,
                                op: index,
                                sql: text.clone(),
                            });
                            sql.push(text);
                        }
                        // An autocommit block inside an op (read from SQL):
                        // kept as the op's own transaction steps.
                        Statement::Commit => actions.push(Action::Commit),
                        Statement::Begin => actions.push(Action::Begin),
                        Statement::Error(message) => {
                            actions.push(Action::Fail {
                                run: r,
                                op: index,
                                message,
                            });
                            failed = !options.keep_going;
                        }
                    }
                }
                planned.push(PlannedOp {
                    label,
                    span,
                    statements: sql,
                    autocommit: block,
                    expected: own
                        .map(|own| {
                            expected
                                .iter()
                                .filter(|(at, _)| own.start <= at.start && at.end <= own.end)
                                .map(|(_, lock)| lock.clone())
                                .collect()
                        })
                        .unwrap_or_default(),
                });
            }
            if block {
                actions.push(Action::Begin);
            }
            if failed {
                break;
            }
        }
        let script = ScriptRevision {
            rev_id: &graph_node.id,
            down_revisions: graph_node.down.iter().map(String::as_str).collect(),
            depends_on: chain.graph.dependencies(node),
            migration: &revision.migration,
        };
        let versions = if upgrade {
            heads.upgrade(&script)
        } else {
            heads.downgrade(&script)
        };
        actions.extend(
            versions
                .into_iter()
                .map(|sql| Action::Version { run: Some(r), sql }),
        );
        if options.transaction_per_migration {
            actions.push(Action::Commit);
        }
        plan.runs.push(Run {
            revision: graph_node.id.clone(),
            upgrade,
            log,
            file,
            ops: planned,
        });
        if failed {
            break;
        }
    }
    if !options.transaction_per_migration || path.is_empty() {
        actions.push(Action::Commit);
    }
    plan.actions = actions;
}

/// The review's lock table for a revision's upgrade: each step's span in
/// `source` (the revision's text) and its locks.
fn expected_locks(revision: &Revision, source: &str) -> Vec<(Span, ExpectedLock)> {
    let settings = crate::lint::Settings::default();
    let subject = crate::lint::revision_subject(revision, source, &settings);
    subject
        .steps
        .iter()
        .flat_map(|step| {
            crate::lint::locks::locks(step, &settings)
                .into_iter()
                .map(move |lock| {
                    (
                        step.span,
                        ExpectedLock {
                            table: lock.table,
                            mode: lock.mode,
                            work: lock.work.describe().to_string(),
                            rewrite: lock.work == crate::lint::locks::Work::Rewrite,
                        },
                    )
                })
        })
        .collect()
}

/// `op` and its span, or the ops of an autocommit block with theirs
/// (`at` walks the revision's pre-order spans).
fn flatten<'o>(op: &'o Op, at: &mut usize, spans: &[Span], out: &mut Vec<(&'o Op, Option<Span>)>) {
    let span = spans.get(*at).copied();
    *at += 1;
    match op {
        Op::AutocommitBlock(inner) => {
            for op in inner {
                flatten(op, at, spans, out);
            }
        }
        _ => out.push((op, span)),
    }
}

/// `alembic stamp`: the version rows set to `targets`, nothing run.
fn stamp(chain: &Chain, current: &[String], targets: &[usize], plan: &mut Plan) {
    let to: Vec<&str> = targets
        .iter()
        .map(|&t| chain.graph.node(t).id.as_str())
        .collect();
    plan.output.push(format!(
        "{LOG} Running stamp_revision {} -> {}",
        current.join(", "),
        to.join(", ")
    ));
    plan.actions.push(Action::Begin);
    plan.actions.push(Action::Version {
        run: None,
        sql: VERSION_TABLE.to_string(),
    });
    plan.actions.push(Action::Version {
        run: None,
        sql: "DELETE FROM alembic_version".to_string(),
    });
    for id in to {
        plan.actions.push(Action::Version {
            run: None,
            sql: format!("INSERT INTO alembic_version (version_num) VALUES ('{id}')"),
        });
    }
    plan.actions.push(Action::Commit);
}

/// The statements that build `schema` in an empty database (what the
/// safe revision from nothing to it runs), for a rehearsal's start.
pub fn create_sql(schema: &Schema) -> Vec<String> {
    let migration = crate::diff::diff_with(
        &Schema::default(),
        schema,
        crate::diff::Options { safe: true },
    );
    let mut memo = CreatedEnums::default();
    migration
        .upgrade
        .iter()
        .flat_map(|op| statements(op, &schema.enums, &mut memo))
        .filter_map(|s| match s {
            Statement::Sql(sql) => Some(sql),
            _ => None,
        })
        .collect()
}
