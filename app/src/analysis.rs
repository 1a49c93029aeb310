//! The analysis worker: what needs the SQL parser runs in a Web Worker.
//!
//! The SQL reader (sqlparser) would add ~460 KB gzip to the wasm every visitor
//! downloads before the page works. So it lives in its own wasm
//! (`sqlworker/`, built by Trunk as a worker), fetched after the page is up,
//! with what depends on it: reading SQL panes, and the diff and Alembic
//! renderer (which compare expressions in PostgreSQL's canonical form). It
//! works off the main thread. The messages are `retort_core::protocol`'s
//! types. Each request carries an id and its reply goes to the caller that
//! asked, with that id, so a caller keeps only the reply to its latest
//! input.

use std::cell::RefCell;
use std::collections::HashMap;

pub use retort_core::autogen::Choices;
pub use retort_core::protocol::FixRequest;
use retort_core::protocol::{
    BaseState, CompareTarget, Comparison, FromWorker, HistoryPicture, PaneRead, PathSql, Rehearsal,
    Reply, Request, ReviewOutcome, RevisionPlan, Revisions, SourceFile, ToWorker, Unzipped,
};
pub use retort_core::protocol::{ModelFolder, ModelInput};
use retort_core::rehearse::RunOptions;
pub use retort_core::report::{Explained, FixView, LockRow, Review, ReviewFinding};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A reply, with the id of the request it answers.
pub type Answer<T> = Result<(u64, T), String>;

/// Asks the worker (started on first use) to read a pane's text: SQL, or a
/// model file in its folder.
pub fn read_model(input: ModelInput, done: impl FnOnce(Answer<PaneRead>) + 'static) -> u64 {
    let request = Request::Read { input };
    send(request, false, move |id, reply| {
        done(reply.and_then(|reply| match reply {
            Reply::Read(read) => Ok((id, read)),
            other => Err(unexpected(&other)),
        }))
    })
}

/// Asks the worker for the revision from `before` to `after` (each a model
/// file, in its folder or not, or SQL DDL), as the user chose.
pub fn revision(
    before: ModelInput,
    after: ModelInput,
    choices: &Choices,
    done: impl FnOnce(Answer<RevisionPlan>) + 'static,
) -> u64 {
    let request = Request::Revision {
        before,
        after,
        choices: choices.clone(),
    };
    send(request, true, move |id, reply| {
        done(reply.and_then(|reply| match reply {
            Reply::Revision(plan) => Ok((id, plan)),
            other => Err(unexpected(&other)),
        }))
    })
}

/// Asks the worker to review `text` (one revision, or a chain of them) for
/// PostgreSQL `postgres`, after applying `fix`.
pub fn review(
    text: &str,
    postgres: u32,
    fix: FixRequest,
    done: impl FnOnce(Answer<ReviewOutcome>) + 'static,
) -> u64 {
    // A click on a fix is never dropped; a review of the text as typed is
    // worth nothing once newer text exists.
    let latest_only = fix == FixRequest::None;
    let request = Request::Review {
        text: text.to_string(),
        postgres,
        fix,
    };
    send(request, latest_only, move |id, reply| {
        done(reply.and_then(|reply| match reply {
            Reply::Review(reviewed) => Ok((id, reviewed)),
            other => Err(unexpected(&other)),
        }))
    })
}

/// Asks the worker to unpack a zip archive.
pub fn unzip(bytes: Vec<u8>, done: impl FnOnce(Answer<Unzipped>) + 'static) -> u64 {
    send(Request::Unzip { bytes }, false, move |id, reply| {
        done(reply.and_then(|reply| match reply {
            Reply::Unzip(unzipped) => Ok((id, unzipped)),
            other => Err(unexpected(&other)),
        }))
    })
}

/// Asks the worker for the graph of revision files, with `current` (an
/// identifier, or empty) marked.
pub fn history(
    files: &[SourceFile],
    current: &str,
    done: impl FnOnce(Answer<HistoryPicture>) + 'static,
) -> u64 {
    let request = Request::History {
        files: files.to_vec(),
        current: current.to_string(),
    };
    send(request, false, move |id, reply| {
        done(reply.and_then(|reply| match reply {
            Reply::History(picture) => Ok((id, picture)),
            other => Err(unexpected(&other)),
        }))
    })
}

/// Asks the worker for the SQL from the base up to `target`.
pub fn path(
    files: &[SourceFile],
    target: &str,
    done: impl FnOnce(Answer<PathSql>) + 'static,
) -> u64 {
    let request = Request::Path {
        files: files.to_vec(),
        target: target.to_string(),
    };
    send(request, false, move |id, reply| {
        done(reply.and_then(|reply| match reply {
            Reply::Path(sql) => Ok((id, sql)),
            other => Err(unexpected(&other)),
        }))
    })
}

/// Asks the worker for the SQL from the base up to `target`, awaited.
pub async fn path_sql(files: Vec<SourceFile>, target: String) -> Result<PathSql, String> {
    ask(move |done| {
        send(Request::Path { files, target }, false, move |_, reply| {
            done(reply.and_then(|reply| match reply {
                Reply::Path(sql) => Ok(sql),
                other => Err(unexpected(&other)),
            }))
        });
    })
    .await
}

/// Asks the worker to plan an Alembic `command` against a database at
/// `current` (an empty command: only the timeline).
pub async fn rehearse(
    revisions: Revisions,
    current: Vec<String>,
    command: String,
    options: RunOptions,
) -> Result<Rehearsal, String> {
    let request = Request::Rehearse {
        revisions,
        current,
        command,
        options,
    };
    ask(move |done| {
        send(request, false, move |_, reply| {
            done(reply.and_then(|reply| match reply {
                Reply::Rehearsal(plan) => Ok(plan),
                other => Err(unexpected(&other)),
            }))
        });
    })
    .await
}

/// Asks the worker to compare a database's catalogue DDL with a model or
/// another moment of it.
pub async fn compare(database: String, target: CompareTarget) -> Result<Comparison, String> {
    ask(move |done| {
        send(
            Request::Compare { database, target },
            false,
            move |_, reply| {
                done(reply.and_then(|reply| match reply {
                    Reply::Compare(comparison) => Ok(comparison),
                    other => Err(unexpected(&other)),
                }))
            },
        );
    })
    .await
}

/// Asks the worker for the DDL and seed rows of a rehearsal's start.
pub async fn base(input: Option<ModelInput>, rows: u32) -> Result<BaseState, String> {
    ask(move |done| {
        send(Request::Base { input, rows }, false, move |_, reply| {
            done(reply.and_then(|reply| match reply {
                Reply::Base(base) => Ok(base),
                other => Err(unexpected(&other)),
            }))
        });
    })
    .await
}

/// A request whose reply is awaited: `start` posts it and hands the
/// reply to the function it is given.
async fn ask<T: 'static>(
    start: impl FnOnce(Box<dyn FnOnce(Result<T, String>)>),
) -> Result<T, String> {
    use std::rc::Rc;
    let slot: Rc<RefCell<Option<Result<T, String>>>> = Rc::new(RefCell::new(None));
    let mut start = Some(start);
    let filled = slot.clone();
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let filled = filled.clone();
        if let Some(start) = start.take() {
            start(Box::new(move |answer| {
                *filled.borrow_mut() = Some(answer);
                let _ = resolve.call0(&JsValue::NULL);
            }));
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    let answer = slot.borrow_mut().take();
    answer.unwrap_or_else(|| Err("the analysis worker gave no answer".to_string()))
}

/// A reply of another kind than the request's: the worker refused it, or
/// it is a worker of another build.
fn unexpected(reply: &Reply) -> String {
    match reply {
        Reply::Refused { message } => message.clone(),
        _ => "the analysis worker answered another question".to_string(),
    }
}

/// What kind of "latest input only" request this is (see [`Client::busy`]).
fn kind(request: &Request) -> &'static str {
    match request {
        Request::Read { .. } => "read",
        Request::Revision { .. } => "revision",
        Request::Review { .. } => "review",
        Request::History { .. } => "history",
        Request::Path { .. } => "path",
        Request::Unzip { .. } => "unzip",
        Request::Rehearse { .. } => "rehearse",
        Request::Base { .. } => "base",
        Request::Compare { .. } => "compare",
    }
}

/// What the caller of a request does with its reply (or the failure).
type Callback = Box<dyn FnOnce(u64, Result<Reply, String>)>;

struct Client {
    worker: web_sys::Worker,
    /// The worker says [`FromWorker::Ready`] once its wasm runs; messages posted before
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
    for (id, callback) in pending {
        callback(id, Err(message.to_string()));
    }
}

/// A message from the worker: [`FromWorker::Ready`] once its wasm runs,
/// then replies.
fn on_message(event: web_sys::MessageEvent) {
    match serde_wasm_bindgen::from_value::<FromWorker>(event.data()) {
        Ok(FromWorker::Ready) => {
            // Send what was asked meanwhile.
            CLIENT.with_borrow_mut(|c| {
                if let Some(c) = c.as_mut() {
                    c.ready = true;
                    for message in std::mem::take(&mut c.queue) {
                        let _ = c.worker.post_message(&message);
                    }
                }
            });
        }
        Ok(FromWorker::Reply { id, reply }) => {
            CLIENT.with_borrow_mut(|c| {
                if let Some(c) = c.as_mut() {
                    c.send_next(id);
                }
            });
            let callback =
                CLIENT.with_borrow_mut(|c| c.as_mut().and_then(|c| c.pending.remove(&id)));
            if let Some(callback) = callback {
                callback(id, Ok(reply));
            }
        }
        // Not a message the page understands: every waiting caller is told.
        Err(error) => fail_all(&format!(
            "the analysis worker's answer was not understood: {error}"
        )),
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
                        callback(next, Err("the analysis worker is unreachable".to_string()));
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

/// Posts `request` (with a new id) and calls `done` with the reply. With
/// `latest_only`, a request whose older requests of its kind are worth
/// nothing once it exists: while the worker works on one of its kind, the
/// newest waits (see [`Client::busy`]).
fn send(
    request: Request,
    latest_only: bool,
    done: impl FnOnce(u64, Result<Reply, String>) + 'static,
) -> u64 {
    let done: Callback = Box::new(done);
    let latest = latest_only.then(|| kind(&request));
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
        let message = match (ToWorker { id, request }
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible()))
        {
            Ok(message) => message,
            Err(error) => return Err((done, format!("the request could not be sent: {error}"))),
        };
        if !client.ready {
            client.queue.push(message);
            client.pending.insert(id, done);
            return Ok(id);
        }
        if let Some(kind) = latest {
            if client.busy.contains_key(kind) {
                // Wait for the reply in the works; an older waiting one is
                // replaced (its caller no longer wants its answer).
                if let Some((older, _)) = client.next.insert(kind, (id, message)) {
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
            done(0, Err(error));
            0
        }
    }
}
