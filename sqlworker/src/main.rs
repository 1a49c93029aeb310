//! The playground's analysis worker: what needs the SQL parser, off the
//! main thread.
//!
//! The SQL reader (sqlparser) is ~450 KB gzip of wasm; kept out of the main
//! app, it downloads after the page is up. The diff and the Alembic renderer
//! live here too (they compare expressions in PostgreSQL's canonical form,
//! which needs the parser). The messages are `retort_core::protocol`'s
//! types, sent with serde-wasm-bindgen: each [`Request`] is answered, in
//! order, by the matching [`Reply`].

use retort_core::autogen::{self, ColumnFill, RenamedColumn, RenamedTable};
use retort_core::graph::Graph;
use retort_core::lint;
use retort_core::protocol::{
    BaseState, CompareTarget, Comparison, FixRequest, FromWorker, HistoryPicture, ModelInput,
    PaneRead, PathSql, Rehearsal, Reply, Request, ReviewOutcome, RevisionPlan, Revisions,
    SourceFile, ToWorker, Unzipped,
};
use retort_core::render::script::{Direction, files_script};
use retort_core::report::review;
use retort_core::{Applicability, LineIndex, Severity, rehearse, revision};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The id and date the pane's revisions carry.
const REV_ID: &str = "0123456789ab";
const CREATE_DATE: &str = "(now)";
/// The message of the pane's revisions.
const MESSAGE: &str = "your change";

fn answer(request: Request) -> Reply {
    match request {
        Request::Read { input } => read(&input),
        Request::Revision {
            before,
            after,
            choices,
        } => revision(&before, &after, &choices),
        Request::Review {
            text,
            postgres,
            fix,
        } => review_request(&text, postgres, &fix),
        Request::History { files, current } => history(&files, &current),
        Request::Path { files, target } => path(&files, &target),
        Request::Unzip { bytes } => unzip(&bytes),
        Request::Rehearse {
            revisions,
            current,
            command,
            options,
        } => rehearse(&revisions, &current, &command, options),
        Request::Base { input, rows } => base(input.as_ref(), rows),
        Request::Compare { database, target } => compare(&database, &target),
    }
}

/// Plans `command` on the revisions, and the timeline of where the
/// database is.
fn rehearse(
    revisions: &Revisions,
    current: &[String],
    command: &str,
    options: rehearse::RunOptions,
) -> Reply {
    let chain = match revisions {
        Revisions::Text(text) => rehearse::Chain::from_text(text),
        Revisions::Files(files) => {
            let files: Vec<(String, String)> = revision_files(files)
                .into_iter()
                .map(|f| (f.path.clone(), f.text.clone()))
                .collect();
            rehearse::Chain::from_files(&files)
        }
    };
    let plan = if command.trim().is_empty() {
        rehearse::Plan::default()
    } else {
        match rehearse::AlembicCommand::parse(command) {
            Ok(command) => rehearse::plan(&chain, current, &command, options),
            Err(usage) => rehearse::Plan {
                error: Some(usage),
                ..rehearse::Plan::default()
            },
        }
    };
    Reply::Rehearsal(Rehearsal {
        plan,
        timeline: rehearse::timeline(&chain, current),
        problems: chain.problems.clone(),
    })
}

/// A database read back from its catalogue, compared with a model or
/// with itself at another moment.
fn compare(database: &str, target: &CompareTarget) -> Reply {
    let (db, db_problems) = retort_core::input::read_schema(database);
    let (other, problems) = match target {
        CompareTarget::Model(input) => input.read(),
        CompareTarget::Database(ddl) => retort_core::input::read_schema(ddl),
    };
    Reply::Compare(Comparison {
        ops: rehearse::differences(&db, &other),
        tables: db.tables.len(),
        errors: db_problems
            .iter()
            .chain(&problems)
            .filter(|d| d.severity == Severity::Error)
            .count(),
    })
}

/// The DDL and seed rows a rehearsal starts from.
fn base(input: Option<&ModelInput>, rows: u32) -> Reply {
    let (schema, diagnostics) = input.map(ModelInput::read).unwrap_or_default();
    Reply::Base(BaseState {
        ddl: rehearse::create_sql(&schema),
        seed: rehearse::seed::seed_sql(&schema, rows),
        tables: schema.tables.len(),
        errors: diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
    })
}

fn read(input: &ModelInput) -> Reply {
    let read = input.read_in_folder();
    Reply::Read(PaneRead {
        tables: read.schema.tables.len(),
        outline: read.schema.outline(),
        diagnostics: read.diagnostics,
        modules: read.modules,
        elsewhere: read
            .elsewhere
            .into_iter()
            .map(|(path, d)| format!("{path}: {}", d.message))
            .collect(),
    })
}

fn revision(before: &ModelInput, after: &ModelInput, choices: &autogen::Choices) -> Reply {
    let (before, before_problems) = before.read();
    let (after, after_problems) = after.read();
    let plan = autogen::plan(&autogen::PlanRequest {
        before: &before,
        after: &after,
        choices,
        message: MESSAGE,
        rev_id: REV_ID,
        down_revision: None,
        create_date: CREATE_DATE,
    });
    let errors = before_problems
        .iter()
        .chain(&after_problems)
        .filter(|d| d.severity == Severity::Error)
        .count();
    Reply::Revision(RevisionPlan {
        revision: plan.chain(),
        errors,
        renames: plan
            .column_candidates
            .into_iter()
            .map(|c| RenamedColumn {
                table: c.table.name,
                old: c.old,
                new: c.new,
            })
            .collect(),
        table_renames: plan
            .table_candidates
            .into_iter()
            .map(|c| RenamedTable {
                schema: c.schema,
                old: c.old,
                new: c.new,
            })
            .collect(),
        backfills: plan
            .backfills
            .into_iter()
            .map(|b| ColumnFill {
                table: b.table.name,
                column: b.column,
                expression: b.expression,
            })
            .collect(),
        warnings: plan
            .cycle
            .into_iter()
            .map(|d| match d.help {
                Some(help) => format!("{}: {help}", d.message),
                None => d.message,
            })
            .collect(),
    })
}

/// The review of the Revision pane's text, after the fix asked for: a
/// finding's (applied only if that finding still has the same rule at the
/// same place), or every fix of a level.
fn review_request(text: &str, postgres: u32, fix: &FixRequest) -> Reply {
    let settings = lint::Settings {
        postgres: postgres.clamp(lint::OLDEST_POSTGRES, lint::NEWEST_POSTGRES),
        ..lint::Settings::default()
    };
    let (fixed, applied) = match fix {
        FixRequest::None => (None, 0),
        FixRequest::Finding { index, rule, at } => {
            let first = review::review(text, &settings);
            // The finding the page showed: the same rule at the same place.
            let same = first
                .review
                .findings
                .get(*index)
                .is_some_and(|f| f.rule == *rule && f.span.start == *at);
            let fixed = if same {
                review::apply_fix(text, &first, *index)
            } else {
                None
            };
            let applied = usize::from(fixed.is_some());
            (fixed, applied)
        }
        FixRequest::All { unsafe_too } => {
            let level = if *unsafe_too {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            let (fixed, applied) = review::fix_all(text, &settings, level);
            ((applied > 0).then_some(fixed), applied)
        }
    };
    let review = review::review(fixed.as_deref().unwrap_or(text), &settings).review;
    Reply::Review(ReviewOutcome {
        fixed,
        applied,
        review,
    })
}

fn unzip(bytes: &[u8]) -> Reply {
    let mut reply = Unzipped {
        files: Vec::new(),
        skipped: Vec::new(),
        error: None,
    };
    match retort_core::zip::entries(bytes) {
        Ok(entries) => {
            for (path, data) in entries.into_iter().filter(|(n, _)| n.ends_with(".py")) {
                match String::from_utf8(data) {
                    Ok(text) => reply.files.push(SourceFile { path, text }),
                    Err(_) => reply.skipped.push(path),
                }
            }
        }
        Err(error) => reply.error = Some(error),
    }
    Reply::Unzip(reply)
}

/// The revision files among `files`, in Alembic's load order (paths
/// sorted).
fn revision_files(files: &[SourceFile]) -> Vec<&SourceFile> {
    let mut kept: Vec<&SourceFile> = files
        .iter()
        .filter(|file| {
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            name.ends_with(".py") && !name.starts_with("__init__") && !name.starts_with(".#")
        })
        .collect();
    kept.sort_by(|a, b| a.path.cmp(&b.path));
    kept
}

/// Each file's revision (headers only unless `with_ops`), and the errors
/// the reader found as `path:line:col: message` lines.
fn read_files(files: &[&SourceFile], with_ops: bool) -> (Vec<revision::Revision>, Vec<String>) {
    let mut problems = Vec::new();
    let mut revisions = Vec::new();
    for SourceFile { path, text } in files {
        let (rev, diagnostics) = if with_ops {
            revision::read_revision(text)
        } else {
            revision::read_header(text)
        };
        let index = LineIndex::new(text);
        for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            let at = index.line_col(d.span.start);
            problems.push(format!("{path}:{}:{}: {}", at.line, at.column, d.message));
        }
        revisions.push(rev);
    }
    (revisions, problems)
}

fn history(files: &[SourceFile], wanted: &str) -> Reply {
    let files = revision_files(files);
    let (revisions, mut problems) = read_files(&files, false);
    let mut nodes: Vec<retort_core::graph::Node> = Vec::new();
    for node in revisions.iter().filter_map(revision::Revision::node) {
        if !nodes.iter().any(|n| n.id == node.id) {
            nodes.push(node);
        }
    }
    let (graph, errors) = Graph::build(nodes);
    problems.extend(errors.iter().map(ToString::to_string));
    let current = if wanted.trim().is_empty() {
        None
    } else {
        match graph.resolve(wanted) {
            Ok(nodes) => nodes.first().copied(),
            Err(error) => {
                problems.insert(0, format!("current revision: {error}"));
                None
            }
        }
    };
    Reply::History(HistoryPicture {
        svg: graph.svg(current),
        revisions: graph.len(),
        problems,
    })
}

/// The offline SQL of every revision from the base up to `target`, in
/// the order `alembic upgrade target` runs them.
fn path(files: &[SourceFile], target: &str) -> Reply {
    let files = revision_files(files);
    let (revisions, mut problems) = read_files(&files, true);
    let read: Vec<&revision::Revision> = revisions.iter().collect();
    let written = files_script(&read, Direction::Upgrade, target);
    // A whole folder was given: a parent that is not in it is a problem.
    problems.extend(written.missing_parents.iter().cloned());
    problems.extend(written.problems.iter().cloned());
    problems.extend(
        written
            .script
            .errors
            .iter()
            .map(|e| format!("revision {}: {}", e.rev_id, e.message)),
    );
    let order: Vec<String> = written
        .order
        .iter()
        .filter_map(|&i| revisions[i].id.clone())
        .collect();
    // The first file with that id, as the graph keeps it.
    let file = revisions
        .iter()
        .position(|r| r.id.as_deref() == Some(target))
        .map(|i| files[i].clone());
    // The schema at the target, replayed: the same walk, read back.
    let chain = rehearse::Chain::from_read(
        revisions
            .iter()
            .cloned()
            .zip(files.iter().map(|f| f.text.clone()))
            .collect(),
    );
    let (schema, not_replayed) = match rehearse::schema_at(&chain, target) {
        Ok((schema, problems)) => (
            schema.outline(),
            problems
                .iter()
                .map(|p| match files.get(p.file) {
                    Some(f) => format!("{}:{}: {}", f.path, p.line, p.message),
                    None => p.message.clone(),
                })
                .collect(),
        ),
        Err(error) => (String::new(), vec![error]),
    };
    Reply::Path(PathSql {
        sql: written.script.text,
        revisions: order,
        problems,
        file,
        schema,
        not_replayed,
    })
}

/// The id of a message whose request cannot be read.
#[derive(serde::Deserialize)]
struct Id {
    id: u64,
}

fn post(scope: &web_sys::DedicatedWorkerGlobalScope, message: &FromWorker) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    match message.serialize(&serializer) {
        Ok(value) => {
            let _ = scope.post_message(&value);
        }
        Err(error) => {
            let _ = scope.post_message(&JsValue::from_str(&error.to_string()));
        }
    }
}

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else {
        // Not in a worker (a native build, a test runner): nothing to serve.
        return;
    };
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let message = match serde_wasm_bindgen::from_value::<ToWorker>(event.data()) {
                Ok(ToWorker { id, request }) => FromWorker::Reply {
                    id,
                    reply: answer(request),
                },
                Err(error) => {
                    // Not a request this worker knows: the id, if any, is
                    // still answered so the caller is not left waiting.
                    let id = serde_wasm_bindgen::from_value::<Id>(event.data())
                        .map_or(0, |message| message.id);
                    FromWorker::Reply {
                        id,
                        reply: Reply::Refused {
                            message: format!("the worker cannot read the request: {error}"),
                        },
                    }
                }
            };
            post(&reply_to, &message);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}
