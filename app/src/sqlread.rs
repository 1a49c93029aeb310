//! SQL in a model pane, read by retort's SQL reader in a Web Worker.
//!
//! The SQL reader (sqlparser) would add ~460 KB gzip to the wasm every visitor
//! downloads before the page works; most panes hold Python. So it lives in
//! its own wasm (`sqlworker/`, built by Trunk as a worker), fetched the first
//! time a pane holds SQL, and it reads off the main thread. One worker serves
//! every pane; each request carries an id and its reply goes to the pane that
//! asked, which keeps only the reply to its latest text.

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

type Callback = Box<dyn FnOnce(Result<SqlReply, String>)>;

struct Client {
    worker: web_sys::Worker,
    /// The worker says "ready" once its wasm runs; messages posted before
    /// that would reach no handler, so they wait here.
    ready: bool,
    queue: Vec<JsValue>,
    pending: HashMap<u64, Callback>,
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
            .map(|c| std::mem::take(&mut c.pending))
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
    match serde_wasm_bindgen::from_value::<SqlReply>(data) {
        Ok(reply) => {
            let id = reply.id as u64;
            let callback =
                CLIENT.with_borrow_mut(|c| c.as_mut().and_then(|c| c.pending.remove(&id)));
            if let Some(callback) = callback {
                callback(Ok(reply));
            }
        }
        // Not a reply the page understands: every waiting pane is told.
        Err(error) => fail_all(&format!(
            "the SQL reader's answer was not understood: {error}"
        )),
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
    let worker =
        web_sys::Worker::new(&url).map_err(|e| format!("the SQL reader could not start: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(on_message);
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|event: web_sys::ErrorEvent| {
        fail_all(&format!("the SQL reader failed: {}", event.message()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client {
        worker,
        ready: false,
        queue: Vec::new(),
        pending: HashMap::new(),
        next_id: 1,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Asks the worker (started on first use) to read `text`; `done` gets the
/// reply. Returns the request's id.
pub fn read(text: &str, done: impl FnOnce(Result<SqlReply, String>) + 'static) -> u64 {
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
            return Err((done, "the SQL reader is not running".to_string()));
        };
        let id = client.next_id;
        client.next_id += 1;
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"id".into(), &JsValue::from_f64(id as f64));
        let _ = js_sys::Reflect::set(&message, &"text".into(), &JsValue::from_str(text));
        if !client.ready {
            client.queue.push(message.into());
            client.pending.insert(id, done);
            return Ok(id);
        }
        match client.worker.post_message(&message) {
            Ok(()) => {
                client.pending.insert(id, done);
                Ok(id)
            }
            Err(error) => Err((done, format!("the SQL reader is unreachable: {error:?}"))),
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
