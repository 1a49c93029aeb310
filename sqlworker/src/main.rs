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
//! renames, backfills, warnings, upgrade_sql, downgrade_sql, sql_errors, table_renames}`
//! (the column rename candidates, the backfills used, what the revision cannot do
//! on its own, its PostgreSQL both ways).
//! It posts `"ready"` once, when it can take requests.

use retort_core::render::{self, Context, RevisionHeader};
use retort_core::{Diagnostic, Severity, diff, input, sql};
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
    /// The PostgreSQL the revision(s) run, as `alembic upgrade --sql` and
    /// `alembic downgrade --sql` print it.
    upgrade_sql: String,
    downgrade_sql: String,
    /// What Alembic could not write as SQL (an unnamed constraint dropped).
    sql_errors: Vec<String>,
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
            text.push_str(&format!(
                "# ---- revision {} of {}: {} ----\n",
                i + 1,
                steps.len(),
                ids[i.min(2)]
            ));
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
    let mut all_enums = after.enums.clone();
    all_enums.extend(enums.iter().cloned());
    let revisions: Vec<render::sql::ScriptRevision<'_>> = steps
        .iter()
        .enumerate()
        .map(|(i, step)| render::sql::ScriptRevision {
            rev_id: ids[i.min(2)],
            down_revision: i.checked_sub(1).map(|p| ids[p.min(2)]),
            migration: &step.migration,
        })
        .collect();
    let upgrade = render::sql::script(&revisions, render::sql::Direction::Upgrade, &all_enums);
    let downgrade = render::sql::script(&revisions, render::sql::Direction::Downgrade, &all_enums);
    let mut sql_errors: Vec<String> = upgrade
        .errors
        .into_iter()
        .map(|e| format!("upgrade: {}", e.message))
        .collect();
    sql_errors.extend(
        downgrade
            .errors
            .into_iter()
            .map(|e| format!("downgrade: {}", e.message)),
    );
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
        upgrade_sql: upgrade.text,
        downgrade_sql: downgrade.text,
        sql_errors,
        table_renames: table_candidates
            .into_iter()
            .map(|c| [c.schema.unwrap_or_default(), c.old, c.new])
            .collect(),
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
