//! The analysis worker: what needs the SQL parser runs in a Web Worker.
//!
//! The SQL reader (sqlparser) would add ~460 KB gzip to the wasm every visitor
//! downloads before the page works. So it lives in its own wasm
//! (`sqlworker/`, built by Trunk as a worker), fetched after the page is up,
//! with what depends on it: reading SQL panes, and the diff and Alembic
//! renderer (which compare expressions in PostgreSQL's canonical form). It
//! works off the main thread. Each request carries an id and its reply goes
//! to the caller that asked, which keeps only the reply to its latest input.

use std::cell::RefCell;
use std::collections::HashMap;

use retort_core::Diagnostic;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// What the worker reads from one text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SqlReply {
    pub id: f64,
    pub tables: usize,
    pub outline: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// The revision the worker writes for a pair of models.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RevisionReply {
    pub id: f64,
    pub revision: String,
    /// Errors in either model (the revision is still written).
    pub errors: usize,
    /// Drop + add pairs that look like renames: `[table, old, new]`.
    pub renames: Vec<[String; 3]>,
    /// New NOT NULL columns backfilled: `[table, column, expression]`.
    pub backfills: Vec<[String; 3]>,
    /// What the revision cannot do on its own (foreign keys in a cycle).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Dropped + created tables that look like renames: `[schema, old, new]`
    /// (`schema` empty for the default one).
    #[serde(default)]
    pub table_renames: Vec<[String; 3]>,
}

/// A versions folder's graph, drawn by the worker.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HistoryReply {
    pub id: f64,
    /// The picture (`Graph::svg`).
    pub svg: String,
    pub revisions: usize,
    pub problems: Vec<String>,
}

/// The PostgreSQL from an empty database up to one revision.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PathReply {
    pub id: f64,
    pub sql: String,
    pub revisions: Vec<String>,
    pub problems: Vec<String>,
    /// The target's file, `[path, text]`.
    #[serde(default)]
    pub file: Option<[String; 2]>,
}

pub use retort_core::report::{Explained, FixView, LockRow, Review, ReviewFinding};

/// The worker's answer to a review request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewReply {
    pub id: f64,
    /// The text after the fix asked for, when it applied.
    pub fixed: Option<String>,
    pub applied: usize,
    pub review: Review,
}

/// Which fix a review request applies first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixRequest {
    None,
    /// The fix of this finding: its index in the review of the same text,
    /// with its rule and where it starts (the worker applies nothing when
    /// the text changed under it and that index is another finding now).
    Finding {
        index: usize,
        rule: String,
        at: usize,
    },
    /// Every safe fix, or every safe and unsafe one.
    All {
        unsafe_too: bool,
    },
}

/// Asks the worker to review `text` (one revision, or a chain of them) for
/// PostgreSQL `postgres`, after applying `fix`.
pub fn review(
    text: &str,
    postgres: u32,
    fix: FixRequest,
    done: impl FnOnce(Result<ReviewReply, String>) + 'static,
) -> u64 {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"kind".into(), &"review".into());
    let _ = js_sys::Reflect::set(&message, &"text".into(), &JsValue::from_str(text));
    let _ = js_sys::Reflect::set(
        &message,
        &"postgres".into(),
        &JsValue::from_f64(f64::from(postgres)),
    );
    let fix = match fix {
        FixRequest::None => JsValue::UNDEFINED,
        FixRequest::Finding { index, rule, at } => {
            let _ = js_sys::Reflect::set(&message, &"fix_rule".into(), &JsValue::from_str(&rule));
            let _ = js_sys::Reflect::set(&message, &"fix_at".into(), &JsValue::from_f64(at as f64));
            JsValue::from_f64(index as f64)
        }
        FixRequest::All { unsafe_too } => {
            JsValue::from_str(if unsafe_too { "unsafe" } else { "safe" })
        }
    };
    let _ = js_sys::Reflect::set(&message, &"fix".into(), &fix);
    // A click on a fix is never dropped; a review of the text as typed is
    // worth nothing once newer text exists.
    let done = move |reply: Result<JsValue, String>| done(reply.and_then(decode));
    if fix.is_undefined() {
        request_latest("review", message, done)
    } else {
        request(message, done)
    }
}

/// The `.py` files of a zip archive, unpacked by the worker.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UnzipReply {
    pub id: f64,
    pub files: Vec<[String; 2]>,
    pub skipped: Vec<String>,
    pub error: Option<String>,
}

/// Asks the worker to unpack a zip archive.
pub fn unzip(
    bytes: &js_sys::Uint8Array,
    done: impl FnOnce(Result<UnzipReply, String>) + 'static,
) -> u64 {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"kind".into(), &"unzip".into());
    let _ = js_sys::Reflect::set(&message, &"bytes".into(), bytes);
    request(message, move |reply| done(reply.and_then(decode)))
}

/// What the user decided in the Revision pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Choices {
    pub safe: bool,
    /// Accepted renames: `[table, old, new]`.
    pub renames: Vec<[String; 3]>,
    /// Accepted table renames: `[schema, old, new]`.
    pub table_renames: Vec<[String; 3]>,
    /// Backfill expressions typed in: `[table, column, expression]`.
    pub backfills: Vec<[String; 3]>,
}

fn triples(items: &[[String; 3]]) -> js_sys::Array {
    items
        .iter()
        .map(|[a, b, c]| {
            js_sys::Array::of3(
                &JsValue::from_str(a),
                &JsValue::from_str(b),
                &JsValue::from_str(c),
            )
        })
        .collect()
}

type Callback = Box<dyn FnOnce(Result<JsValue, String>)>;

struct Client {
    worker: web_sys::Worker,
    /// The worker says "ready" once its wasm runs; messages posted before
    /// that would reach no handler, so they wait here.
    ready: bool,
    queue: Vec<JsValue>,
    pending: HashMap<u64, Callback>,
    /// Per kind of "latest input only" request (a read of a pane, a
    /// revision, a review): the id the worker is working on, and the newest
    /// request that came meanwhile (sent when that reply arrives; any older
    /// one waiting is dropped, since its caller keeps only the reply to its
    /// latest input). Typing faster than the worker answers queues nothing.
    busy: HashMap<&'static str, u64>,
    next: HashMap<&'static str, (u64, JsValue)>,
    next_id: u64,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// The worker's script, next to the page (Trunk writes it to dist/).
const WORKER_SCRIPT: &str = "retort-sql-worker_loader.js";

fn fail_all(message: &str) {
    let pending = CLIENT.with_borrow_mut(|c| {
        c.as_mut()
            .map(|c| {
                // Nothing is in the works any more.
                c.busy.clear();
                c.next.clear();
                std::mem::take(&mut c.pending)
            })
            .unwrap_or_default()
    });
    for (_, callback) in pending {
        callback(Err(message.to_string()));
    }
}

/// A message from the worker: "ready" once its wasm runs, then replies.
fn on_message(event: web_sys::MessageEvent) {
    let data = event.data();
    if data.is_string() {
        // "ready": send what was asked meanwhile.
        CLIENT.with_borrow_mut(|c| {
            if let Some(c) = c.as_mut() {
                c.ready = true;
                for message in std::mem::take(&mut c.queue) {
                    let _ = c.worker.post_message(&message);
                }
            }
        });
        return;
    }
    let id = js_sys::Reflect::get(&data, &"id".into())
        .ok()
        .and_then(|v| v.as_f64());
    match id {
        Some(id) => {
            let id = id as u64;
            CLIENT.with_borrow_mut(|c| {
                if let Some(c) = c.as_mut() {
                    c.send_next(id);
                }
            });
            let callback =
                CLIENT.with_borrow_mut(|c| c.as_mut().and_then(|c| c.pending.remove(&id)));
            if let Some(callback) = callback {
                callback(Ok(data));
            }
        }
        // Not a reply the page understands: every waiting caller is told.
        None => fail_all("the analysis worker's answer was not understood"),
    }
}

impl Client {
    /// The reply to `id` came: the newest request of its kind that waited
    /// goes to the worker.
    fn send_next(&mut self, id: u64) {
        let Some(kind) = self
            .busy
            .iter()
            .find(|(_, busy)| **busy == id)
            .map(|(kind, _)| *kind)
        else {
            return;
        };
        self.busy.remove(kind);
        if let Some((next, message)) = self.next.remove(kind) {
            match self.worker.post_message(&message) {
                Ok(()) => {
                    self.busy.insert(kind, next);
                }
                Err(_) => {
                    if let Some(callback) = self.pending.remove(&next) {
                        callback(Err("the analysis worker is unreachable".to_string()));
                    }
                }
            }
        }
    }
}

fn start() -> Result<Client, String> {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .unwrap_or_default();
    let url = web_sys::Url::new_with_base(WORKER_SCRIPT, &base)
        .map(|u| u.href())
        .unwrap_or_else(|_| WORKER_SCRIPT.to_string());
    let worker = web_sys::Worker::new(&url)
        .map_err(|e| format!("the analysis worker could not start: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(on_message);
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|event: web_sys::ErrorEvent| {
        fail_all(&format!("the analysis worker failed: {}", event.message()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client {
        worker,
        ready: false,
        queue: Vec::new(),
        pending: HashMap::new(),
        busy: HashMap::new(),
        next: HashMap::new(),
        next_id: 1,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Asks the worker (started on first use) to read `text` as SQL.
pub fn read_sql(text: &str, done: impl FnOnce(Result<SqlReply, String>) + 'static) -> u64 {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"kind".into(), &"read".into());
    let _ = js_sys::Reflect::set(&message, &"text".into(), &JsValue::from_str(text));
    request(message, move |reply| done(reply.and_then(decode)))
}

/// Asks the worker for the revision from `before` to `after` (each a model
/// file or SQL DDL).
pub fn revision(
    before: &str,
    after: &str,
    choices: &Choices,
    done: impl FnOnce(Result<RevisionReply, String>) + 'static,
) -> u64 {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"kind".into(), &"revision".into());
    let _ = js_sys::Reflect::set(&message, &"before".into(), &JsValue::from_str(before));
    let _ = js_sys::Reflect::set(&message, &"after".into(), &JsValue::from_str(after));
    let _ = js_sys::Reflect::set(&message, &"safe".into(), &JsValue::from_bool(choices.safe));
    let _ = js_sys::Reflect::set(&message, &"renames".into(), &triples(&choices.renames));
    let _ = js_sys::Reflect::set(
        &message,
        &"table_renames".into(),
        &triples(&choices.table_renames),
    );
    let _ = js_sys::Reflect::set(&message, &"backfills".into(), &triples(&choices.backfills));
    request_latest("revision", message, move |reply| {
        done(reply.and_then(decode))
    })
}

fn files_array(files: &[(String, String)]) -> js_sys::Array {
    files
        .iter()
        .map(|(path, text)| js_sys::Array::of2(&JsValue::from_str(path), &JsValue::from_str(text)))
        .collect()
}

/// Asks the worker for the graph of revision files (`[path, text]`), with
/// `current` (an identifier, or empty) marked.
pub fn history(
    files: &[(String, String)],
    current: &str,
    done: impl FnOnce(Result<HistoryReply, String>) + 'static,
) -> u64 {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"kind".into(), &"history".into());
    let _ = js_sys::Reflect::set(&message, &"current".into(), &JsValue::from_str(current));
    let _ = js_sys::Reflect::set(&message, &"files".into(), &files_array(files));
    request(message, move |reply| done(reply.and_then(decode)))
}

/// Asks the worker for the SQL from the base up to `target`.
pub fn path(
    files: &[(String, String)],
    target: &str,
    done: impl FnOnce(Result<PathReply, String>) + 'static,
) -> u64 {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"kind".into(), &"path".into());
    let _ = js_sys::Reflect::set(&message, &"files".into(), &files_array(files));
    let _ = js_sys::Reflect::set(&message, &"target".into(), &JsValue::from_str(target));
    request(message, move |reply| done(reply.and_then(decode)))
}

fn decode<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| format!("the analysis worker's answer was not understood: {e}"))
}

/// Posts `message` (an id is added) and calls `done` with the reply.
fn request(message: js_sys::Object, done: impl FnOnce(Result<JsValue, String>) + 'static) -> u64 {
    send(message, None, done)
}

/// [`request`] for an input whose older requests are worth nothing once a
/// newer one exists: while the worker works on one of `kind`, the newest
/// waits (see [`Client::busy`]).
fn request_latest(
    kind: &'static str,
    message: js_sys::Object,
    done: impl FnOnce(Result<JsValue, String>) + 'static,
) -> u64 {
    send(message, Some(kind), done)
}

fn send(
    message: js_sys::Object,
    latest: Option<&'static str>,
    done: impl FnOnce(Result<JsValue, String>) + 'static,
) -> u64 {
    let done: Callback = Box::new(done);
    // `done` is called outside the borrow: it may ask for another read.
    let outcome = CLIENT.with_borrow_mut(|slot| {
        if slot.is_none() {
            match start() {
                Ok(client) => *slot = Some(client),
                Err(error) => return Err((done, error)),
            }
        }
        let Some(client) = slot.as_mut() else {
            return Err((done, "the analysis worker is not running".to_string()));
        };
        let id = client.next_id;
        client.next_id += 1;
        let _ = js_sys::Reflect::set(&message, &"id".into(), &JsValue::from_f64(id as f64));
        if !client.ready {
            client.queue.push(message.into());
            client.pending.insert(id, done);
            return Ok(id);
        }
        if let Some(kind) = latest {
            if client.busy.contains_key(kind) {
                // Wait for the reply in the works; an older waiting one is
                // replaced (its caller no longer wants its answer).
                if let Some((older, _)) = client.next.insert(kind, (id, message.into())) {
                    client.pending.remove(&older);
                }
                client.pending.insert(id, done);
                return Ok(id);
            }
            client.busy.insert(kind, id);
        }
        match client.worker.post_message(&message) {
            Ok(()) => {
                client.pending.insert(id, done);
                Ok(id)
            }
            Err(error) => Err((
                done,
                format!("the analysis worker is unreachable: {error:?}"),
            )),
        }
    });
    match outcome {
        Ok(id) => id,
        Err((done, error)) => {
            done(Err(error));
            0
        }
    }
}
