//! A Web Worker that reads SQL DDL for the playground.
//!
//! The SQL reader (sqlparser) is ~450 KB gzip of wasm; kept out of the main
//! app, it is downloaded only when a model pane first holds SQL, and it reads
//! off the main thread. Protocol: the page posts `{id, text}`; the worker
//! answers `{id, tables, outline, diagnostics: [{start, end, severity,
//! message, help}]}` (byte offsets into `text`), in order.

use retort_core::{Diagnostic, sql};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// What the page shows for a SQL pane.
#[derive(Serialize)]
struct Reply<'a> {
    id: f64,
    tables: usize,
    outline: String,
    diagnostics: &'a [Diagnostic],
}

fn read(id: f64, text: &str) -> Result<JsValue, serde_wasm_bindgen::Error> {
    let (schema, diagnostics) = sql::read_schema(text);
    let reply = Reply {
        id,
        tables: schema.tables.len(),
        outline: schema.outline(),
        diagnostics: &diagnostics,
    };
    reply.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

fn field(data: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(data, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
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
            let text = field(&data, "text").as_string().unwrap_or_default();
            let message =
                read(id, &text).unwrap_or_else(|error| JsValue::from_str(&error.to_string()));
            let _ = reply_to.post_message(&message);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    // Tell the page the reader is ready (queued messages are answered next).
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
