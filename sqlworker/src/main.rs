//! The playground's analysis worker: what needs the SQL parser, off the
//! main thread.
//!
//! The SQL reader (sqlparser) is ~450 KB gzip of wasm; kept out of the main
//! app, it downloads after the page is up. The diff and the Alembic renderer
//! live here too (they compare expressions in PostgreSQL's canonical form,
//! which needs the parser).
//!
//! Protocol: the page posts `{id, kind: "read", text}` or `{id, kind:
//! "revision", before, after, safe, renames: [[table, old, new]],
//! table_renames: [[schema, old, new]],
//! backfills: [[table, column, expr]]}`; the worker answers, in order,
//! `{id, tables, outline, diagnostics: [{span: {start, end}, severity,
//! message, help}]}` (byte offsets into `text`) or `{id, revision, errors,
//! renames, backfills, warnings, table_renames}` (the column rename
//! candidates, the backfills used, what the revision cannot do on its own;
//! its PostgreSQL comes from the review of the pane's text, which the user
//! may edit).
//! `{id, kind: "history", files: [[path, text]], current}` → `{id, svg,
//! revisions, problems}`: a versions folder's graph as a picture;
//! `{id, kind: "path", files, target}` → `{id, sql, revisions, problems,
//! file}`: the PostgreSQL `alembic upgrade target --sql` prints from an
//! empty database, and the target's `[path, text]`.
//! `{id, kind: "unzip", bytes}` → `{id, files: [[path, text]], skipped,
//! error}`: the `.py` files of a zip archive.
//! `{id, kind: "review", text, postgres, fix, fix_rule, fix_at}` → `{id, fixed, applied,
//! review}`: the Revision pane's text reviewed (`lint::review`), after
//! the fix asked for (a finding's index, or `"safe"`/`"unsafe"` for all).
//! It posts `"ready"` once, when it can take requests.

use retort_core::Applicability;
use retort_core::graph::Graph;
use retort_core::lint;
use retort_core::render::{self, Context, RevisionHeader};
use retort_core::report::review;
use retort_core::{Diagnostic, LineIndex, Severity, diff, input, revision, sql};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// What the page shows for a SQL pane.
#[derive(Serialize)]
struct ReadReply<'a> {
    id: f64,
    tables: usize,
    outline: String,
    diagnostics: &'a [Diagnostic],
}

/// The revision for a pair of models, with what the user may decide.
#[derive(Serialize)]
struct RevisionReply {
    id: f64,
    revision: String,
    errors: usize,
    /// Drop + add pairs that look like renames: `[table, old, new]`.
    renames: Vec<[String; 3]>,
    /// New NOT NULL columns the safe revision backfills: `[table, column,
    /// expression used]`.
    backfills: Vec<[String; 3]>,
    /// What the revision cannot do on its own (foreign keys in a cycle).
    warnings: Vec<String>,
    /// Dropped + created tables that look like renames: `[schema, old,
    /// new]`.
    table_renames: Vec<[String; 3]>,
}

/// `[[a, b, c], ...]` from a JS array of 3-string arrays.
fn triples(value: &JsValue) -> Vec<(String, String, String)> {
    let array = js_sys::Array::from(value);
    array
        .iter()
        .filter_map(|item| {
            let item = js_sys::Array::from(&item);
            Some((
                item.get(0).as_string()?,
                item.get(1).as_string()?,
                item.get(2).as_string()?,
            ))
        })
        .collect()
}

fn serialize(value: &impl Serialize) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

fn read(id: f64, text: &str) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let (schema, diagnostics) = sql::read_schema(text);
    serialize(&ReadReply {
        id,
        tables: schema.tables.len(),
        outline: schema.outline(),
        diagnostics: &diagnostics,
    })
}

fn revision(id: f64, data: &JsValue) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let safe = field(data, "safe").as_bool().unwrap_or(true);
    let (before, before_problems) = input::read_schema(&text(data, "before"));
    let (after, after_problems) = input::read_schema(&text(data, "after"));
    let accepted = triples(&field(data, "renames"));
    let fills = triples(&field(data, "backfills"));
    let warnings = diff::foreign_key_cycle(&before, &after)
        .into_iter()
        .map(|d| match d.help {
            Some(help) => format!("{}: {help}", d.message),
            None => d.message,
        })
        .collect();
    let table_candidates = diff::table_rename_candidates(&before, &after);
    let accepted_tables = triples(&field(data, "table_renames"));
    let table_renames: Vec<diff::TableRename> = table_candidates
        .iter()
        .filter(|c| {
            accepted_tables.iter().any(|(s, o, n)| {
                *s == c.schema.clone().unwrap_or_default() && *o == c.old && *n == c.new
            })
        })
        .cloned()
        .collect();
    let renamed_before = diff::renamed_tables(&before, &table_renames);
    let candidates = diff::rename_candidates(&renamed_before, &after);
    let renames: Vec<diff::Rename> = candidates
        .iter()
        .filter(|c| {
            accepted
                .iter()
                .any(|(t, o, n)| *t == c.table.name && *o == c.old && *n == c.new)
        })
        .cloned()
        .collect();
    let (steps, backfills) = diff::plan_with_table_renames(
        &before,
        &after,
        diff::Options { safe },
        &fills,
        &renames,
        &table_renames,
    );
    let enums = render::database_enums(&before);
    let ids = ["0123456789ab", "0123456789ac", "0123456789ad"];
    let mut text = String::new();
    for (i, step) in steps.iter().enumerate() {
        let message = if step.message.is_empty() {
            "your change".to_string()
        } else {
            format!("your change ({})", step.message)
        };
        if steps.len() > 1 {
            text.push_str(&review::separator(i + 1, steps.len(), ids[i.min(2)]));
        }
        text.push_str(&render::revision(
            &RevisionHeader {
                message: &message,
                rev_id: ids[i.min(2)],
                down_revision: i.checked_sub(1).map(|p| ids[p.min(2)]),
                create_date: "(now)",
            },
            &step.migration,
            &Context {
                database_enums: &enums,
                batch: false,
            },
        ));
        if i + 1 < steps.len() {
            text.push('\n');
        }
    }
    let errors = before_problems
        .iter()
        .chain(&after_problems)
        .filter(|d| d.severity == Severity::Error)
        .count();
    serialize(&RevisionReply {
        id,
        revision: text,
        errors,
        renames: candidates
            .into_iter()
            .map(|c| [c.table.name, c.old, c.new])
            .collect(),
        backfills: backfills
            .into_iter()
            .map(|b| [b.table.name, b.column, b.expression])
            .collect(),
        warnings,
        table_renames: table_candidates
            .into_iter()
            .map(|c| [c.schema.unwrap_or_default(), c.old, c.new])
            .collect(),
    })
}

/// The review of the Revision pane's text, after the fix asked for.
#[derive(Serialize)]
struct ReviewReply {
    id: f64,
    /// The text after the fix(es), when one applied.
    fixed: Option<String>,
    applied: usize,
    review: retort_core::report::Review,
}

/// `{text, postgres, fix, fix_rule, fix_at}`: `fix` is absent (review
/// only), a finding's index in the review of `text` (applied only if that
/// finding still has rule `fix_rule` at byte `fix_at`), or `"safe"` /
/// `"unsafe"` (every fix of that level).
fn review_request(id: f64, data: &JsValue) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let text = text(data, "text");
    let settings = lint::Settings {
        postgres: field(data, "postgres")
            .as_f64()
            .map_or(lint::NEWEST_POSTGRES, |v| {
                (v as u32).clamp(lint::OLDEST_POSTGRES, lint::NEWEST_POSTGRES)
            }),
        ..lint::Settings::default()
    };
    let wanted = field(data, "fix");
    let (fixed, applied) = if let Some(index) = wanted.as_f64() {
        let first = review::review(&text, &settings);
        let index = index as usize;
        // The finding the page showed: the same rule at the same place.
        let same = first.review.findings.get(index).is_some_and(|f| {
            Some(f.rule.as_str()) == field(data, "fix_rule").as_string().as_deref()
                && Some(f.span.start as f64) == field(data, "fix_at").as_f64()
        });
        let fixed = if same {
            review::apply_fix(&text, &first, index)
        } else {
            None
        };
        let applied = usize::from(fixed.is_some());
        (fixed, applied)
    } else if let Some(level) = wanted.as_string() {
        let level = if level == "unsafe" {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let (fixed, applied) = review::fix_all(&text, &settings, level);
        ((applied > 0).then_some(fixed), applied)
    } else {
        (None, 0)
    };
    let review = review::review(fixed.as_deref().unwrap_or(&text), &settings).review;
    serialize(&ReviewReply {
        id,
        fixed,
        applied,
        review,
    })
}

/// A dropped `versions/` folder: its graph as an SVG picture, and what is
/// wrong.
#[derive(Serialize)]
struct HistoryReply {
    id: f64,
    svg: String,
    revisions: usize,
    problems: Vec<String>,
}

/// The PostgreSQL from the base to one revision.
#[derive(Serialize)]
struct PathReply {
    id: f64,
    sql: String,
    revisions: Vec<String>,
    problems: Vec<String>,
    /// The target revision's file: `[path, text]` (to open in the
    /// Revision pane).
    file: Option<[String; 2]>,
}

/// The `.py` files of a zip archive.
#[derive(Serialize)]
struct UnzipReply {
    id: f64,
    /// `[path, text]`.
    files: Vec<[String; 2]>,
    /// `.py` entries that are not UTF-8 (left out).
    skipped: Vec<String>,
    error: Option<String>,
}

fn unzip(id: f64, data: &JsValue) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let bytes = js_sys::Uint8Array::new(&field(data, "bytes")).to_vec();
    let mut reply = UnzipReply {
        id,
        files: Vec::new(),
        skipped: Vec::new(),
        error: None,
    };
    match retort_core::zip::entries(&bytes) {
        Ok(entries) => {
            for (name, data) in entries.into_iter().filter(|(n, _)| n.ends_with(".py")) {
                match String::from_utf8(data) {
                    Ok(text) => reply.files.push([name, text]),
                    Err(_) => reply.skipped.push(name),
                }
            }
        }
        Err(error) => reply.error = Some(error),
    }
    serialize(&reply)
}

/// `[[path, text], ...]` → files in Alembic's load order (paths sorted).
fn files(data: &JsValue) -> Vec<(String, String)> {
    let array = js_sys::Array::from(&field(data, "files"));
    let mut files: Vec<(String, String)> = array
        .iter()
        .filter_map(|item| {
            let item = js_sys::Array::from(&item);
            Some((item.get(0).as_string()?, item.get(1).as_string()?))
        })
        .filter(|(path, _)| {
            let name = path.rsplit('/').next().unwrap_or(path);
            name.ends_with(".py") && !name.starts_with("__init__") && !name.starts_with(".#")
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Each file's revision (headers only unless `with_ops`), and the errors
/// the reader found as `path:line:col: message` lines.
fn read_files(
    files: &[(String, String)],
    with_ops: bool,
) -> (Vec<revision::Revision>, Vec<String>) {
    let mut problems = Vec::new();
    let mut revisions = Vec::new();
    for (path, text) in files {
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

fn history(id: f64, data: &JsValue) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let files = files(data);
    let (revisions, mut problems) = read_files(&files, false);
    let mut nodes: Vec<retort_core::graph::Node> = Vec::new();
    for node in revisions.iter().filter_map(revision::Revision::node) {
        if !nodes.iter().any(|n| n.id == node.id) {
            nodes.push(node);
        }
    }
    let (graph, errors) = Graph::build(nodes);
    problems.extend(errors.iter().map(ToString::to_string));
    let wanted = text(data, "current");
    let current = if wanted.trim().is_empty() {
        None
    } else {
        match graph.resolve(&wanted) {
            Ok(nodes) => nodes.first().copied(),
            Err(error) => {
                problems.insert(0, format!("current revision: {error}"));
                None
            }
        }
    };
    serialize(&HistoryReply {
        id,
        svg: graph.svg(current),
        revisions: graph.len(),
        problems,
    })
}

/// The offline SQL of every revision from the base up to `target`, in
/// the order `alembic upgrade target` runs them.
fn path(id: f64, data: &JsValue) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let files = files(data);
    let target = text(data, "target");
    let (revisions, mut problems) = read_files(&files, true);
    let read: Vec<&revision::Revision> = revisions.iter().collect();
    let written = render::script::files_script(&read, render::script::Direction::Upgrade, &target);
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
    let script = written.script;
    let order: Vec<String> = written
        .order
        .iter()
        .filter_map(|&i| revisions[i].id.clone())
        .collect();
    // The first file with that id, as the graph keeps it.
    let file = revisions
        .iter()
        .position(|r| r.id.as_deref() == Some(target.as_str()))
        .map(|i| [files[i].0.clone(), files[i].1.clone()]);
    serialize(&PathReply {
        id,
        file,
        sql: script.text,
        revisions: order,
        problems,
    })
}

fn field(data: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn text(data: &JsValue, name: &str) -> String {
    field(data, name).as_string().unwrap_or_default()
}

fn main() {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else {
        // Not in a worker (a native build, a test runner): nothing to serve.
        return;
    };
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let data = event.data();
            let id = field(&data, "id").as_f64().unwrap_or(0.0);
            let reply = match text(&data, "kind").as_str() {
                "revision" => revision(id, &data),
                "review" => review_request(id, &data),
                "history" => history(id, &data),
                "path" => path(id, &data),
                "unzip" => unzip(id, &data),
                _ => read(id, &text(&data, "text")),
            };
            let message = reply.unwrap_or_else(|error| JsValue::from_str(&error.to_string()));
            let _ = reply_to.post_message(&message);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
