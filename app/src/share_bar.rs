//! The page's top-bar controls for the state: New (with Undo), Copy link,
//! Embed; and an embed's own bar, with "Open in retort".

use leptos::prelude::*;
use retort_core::share::PageState;
use wasm_bindgen::prelude::*;

use crate::embed::{self, DEFAULT_PANES, Embed};
use crate::persist::{self, Persist};
use crate::workspace::Workspace;

#[wasm_bindgen]
extern "C" {
    /// Starts posting the page's height to the host page (an embed).
    #[wasm_bindgen(js_namespace = retort, js_name = reportHeight)]
    pub fn report_height();
    /// Copies text to the clipboard: a promise of whether it could.
    #[wasm_bindgen(js_namespace = retort, js_name = copyText)]
    fn copy_text(text: &str) -> js_sys::Promise;
}

/// The page's address without query or hash.
fn page_address() -> String {
    persist::address("").trim_end_matches('#').to_string()
}

/// Shows `text` in the output box, and copies it.
pub fn offer(
    output: RwSignal<String>,
    message: RwSignal<Option<String>>,
    text: String,
    what: &'static str,
) {
    output.set(text.clone());
    let promise = copy_text(&text);
    leptos::task::spawn_local(async move {
        let copied = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        message.set(Some(if copied {
            format!("{what} copied ({} characters).", text.chars().count())
        } else {
            format!("{what} is in the box below: select it and copy.")
        }));
    });
}

#[component]
pub fn ShareBar(workspace: Workspace, persist: Persist, clean: fn() -> PageState) -> impl IntoView {
    let output = RwSignal::new(String::new());
    let message = persist.message;
    let new = move |_| {
        persist::keep_for_undo(persist, &workspace.snapshot_untracked());
        workspace.restore(clean());
        message.set(Some(
            "Started clean. Undo brings the earlier work back.".into(),
        ));
    };
    // The state of the moment: the throttled link may be up to 300 ms old.
    let link = move || retort_core::share::encode(&workspace.snapshot_untracked());
    let copy_link = move |_| match link() {
        Ok(link) => offer(output, message, persist::address(&link), "The link"),
        Err(error) => message.set(Some(format!("No link: {error}"))),
    };
    let copy_embed = move |_| match link() {
        Ok(link) => {
            let embed = Embed {
                panes: DEFAULT_PANES.to_vec(),
                live: false,
            };
            let snippet = embed::snippet(&page_address(), &embed, &link);
            offer(output, message, snippet, "The embed snippet");
        }
        Err(error) => message.set(Some(format!("No embed: {error}"))),
    };
    view! {
        <div class="share-bar">
            <button type="button" data-testid="new-state" on:click=new
                title="Start with empty models; Undo brings the current work back">"New"</button>
            <button type="button" data-testid="undo-new"
                prop:disabled=move || persist.undo.with(Option::is_none)
                on:click=move |_| persist::undo(persist, workspace)>"Undo"</button>
            <button type="button" data-testid="share-copy" on:click=copy_link
                title="A link that opens exactly this page">"Copy link"</button>
            <button type="button" data-testid="embed-copy" on:click=copy_embed
                title="An <iframe> for a documentation page">"Embed"</button>
            <input type="text" readonly class="share-output" data-testid="share-output"
                aria-label="The link or snippet last copied"
                prop:value=move || output.get()
                prop:hidden=move || output.with(String::is_empty) />
        </div>
        <p class="share-message muted" data-testid="share-message" role="status">
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// An embed's bar: the name, a line for a link that did not open, and the
/// way to the full page with the same state.
#[component]
pub fn EmbedBar(persist: Persist) -> impl IntoView {
    let href = move || match persist.link.get() {
        Ok(link) => persist::address(&link),
        Err(_) => page_address(),
    };
    view! {
        <header class="top embed-top">
            <span class="brand-small">"retort"</span>
            <span class="share-message muted" data-testid="share-message" role="status">
                {move || persist.message.get().unwrap_or_default()}
            </span>
            <a data-testid="embed-open" href=href target="_blank" rel="noopener noreferrer">
                "Open in retort ↗"
            </a>
        </header>
    }
}
