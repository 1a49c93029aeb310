//! Share links and the autosave: the [`Workspace`] written to the URL's
//! hash and to local storage as the user types (throttled), and read back
//! when the page opens. A link always wins over the saved state; the work
//! it displaces, like the work **New** clears, is kept one Undo away.
//!
//! What is decided (which state opens, with which message) is the pure
//! [`start`]; the rest wires it to the browser.

use gloo_storage::{LocalStorage, Storage};
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use retort_core::share::{self, LinkError, PageState};

use crate::workspace::Workspace;

/// Where the autosave keeps the state (a link's text).
pub const SAVED: &str = "retort:state";
/// The state New or a link replaced, for Undo.
pub const UNDO: &str = "retort:undo";
/// What the page says when a link replaced the user's own work.
const OPENED_LINK: &str = "Opened the link. Your earlier work is one Undo away.";
/// How often, at most, the hash and the autosave are written while typing.
const THROTTLE_MS: u32 = 300;

/// What the page opens with.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Start {
    /// The state to show; `None`: the built-in example.
    pub state: Option<PageState>,
    /// A line for the user (a link that did not open, what was kept).
    pub message: Option<String>,
    /// The saved work a link replaced: the Undo slot gets it.
    pub displaced: Option<String>,
}

/// Decides what opens from the URL's hash (without `#`) and the autosave.
pub fn start(hash: &str, saved: Option<&str>) -> Start {
    let saved_state = saved.and_then(|s| share::decode_saved(s).ok());
    if hash.is_empty() {
        return match (saved, saved_state) {
            (_, Some(state)) => Start {
                state: Some(state),
                ..Start::default()
            },
            (Some(_), None) => Start {
                message: Some(
                    "The autosaved work could not be read; the example opened instead.".into(),
                ),
                ..Start::default()
            },
            (None, None) => Start::default(),
        };
    }
    match share::decode(hash) {
        Ok(state) => {
            // The user's own work differs from the link's: kept for Undo.
            let displaced = saved
                .filter(|_| saved_state.as_ref().is_some_and(|s| *s != state))
                .map(str::to_string);
            let message = displaced.as_ref().map(|_| OPENED_LINK.to_string());
            Start {
                state: Some(state),
                message,
                displaced,
            }
        }
        Err(error) => Start {
            message: Some(link_message(&error, saved_state.is_some())),
            state: saved_state,
            displaced: None,
        },
    }
}

fn link_message(error: &LinkError, saved: bool) -> String {
    let opened = if saved {
        "your autosaved work is shown"
    } else {
        "the example is shown"
    };
    format!("The link did not open: {error}. Instead, {opened}.")
}

/// The URL's hash without `#`.
pub fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// What the autosave holds.
pub fn saved() -> Option<String> {
    LocalStorage::get::<String>(SAVED).ok()
}

/// The page's address for `link`, without the query (an embed's options)
/// or the old hash.
pub fn address(link: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return format!("#{link}");
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}#{link}")
}

/// The share controls' view of the state: the latest link or why there is
/// none, and the Undo slot.
#[derive(Clone, Copy)]
pub struct Persist {
    pub link: RwSignal<Result<String, LinkError>>,
    pub message: RwSignal<Option<String>>,
    pub undo: RwSignal<Option<String>>,
}

/// Keeps the hash and the autosave up to date with `workspace` (`save`:
/// false in an embed, which must not overwrite the reader's own work), and
/// opens a link pasted into the address bar.
pub fn keep(workspace: Workspace, start: &Start, save: bool) -> Persist {
    let persist = Persist {
        link: RwSignal::new(Err(LinkError::NotALink)),
        message: RwSignal::new(start.message.clone()),
        undo: RwSignal::new(
            start
                .displaced
                .clone()
                .or_else(|| LocalStorage::get::<String>(UNDO).ok()),
        ),
    };
    if let Some(displaced) = &start.displaced {
        let _ = LocalStorage::set(UNDO, displaced);
    }
    let pending = StoredValue::new_local(None::<Timeout>);
    let written = StoredValue::new(String::new());
    // Encoding deflates the whole state: done at most once per throttle
    // period, never per keystroke (Copy link encodes the state of the
    // moment itself).
    Effect::new(move |_| {
        workspace.snapshot();
        if pending.with_value(Option::is_some) {
            return;
        }
        let timeout = Timeout::new(THROTTLE_MS, move || {
            pending.set_value(None);
            let state = workspace.snapshot_untracked();
            let link = share::encode(&state);
            persist.link.set(link.clone());
            if !save {
                return;
            }
            match &link {
                Ok(link) => {
                    written.set_value(link.clone());
                    replace_hash(link);
                }
                // Too big for a link: an older, smaller state must not
                // stay in the address bar looking like this one.
                Err(_) => {
                    written.set_value(String::new());
                    replace_hash("");
                }
            }
            // The autosave holds the same text as the link when it fits.
            let saved = match link {
                Ok(link) => Ok(link),
                Err(_) => share::encode_saved(&state),
            };
            match saved {
                Ok(saved) => {
                    if LocalStorage::set(SAVED, saved).is_err() {
                        persist.message.set(Some(
                            "This browser's storage is full or off: your work is not autosaved."
                                .into(),
                        ));
                    }
                }
                Err(error) => persist.message.set(Some(format!("Not autosaved: {error}"))),
            }
        });
        pending.set_value(Some(timeout));
    });
    // A link pasted into the address bar of the open page.
    if save {
        let handle = window_event_listener(leptos::ev::hashchange, move |_| {
            let hash = current_hash();
            if hash.is_empty() || written.with_value(|w| *w == hash) {
                return;
            }
            match share::decode(&hash) {
                Ok(state) => {
                    keep_for_undo(persist, &workspace.snapshot_untracked());
                    workspace.restore(state);
                    persist.message.set(Some(OPENED_LINK.into()));
                }
                Err(error) => persist.message.set(Some(format!(
                    "The link did not open: {error}. Your work is unchanged."
                ))),
            }
        });
        on_cleanup(move || handle.remove());
    }
    persist
}

/// Keeps `state` in the Undo slot.
pub fn keep_for_undo(persist: Persist, state: &PageState) {
    if let Ok(saved) = share::encode_saved(state) {
        let _ = LocalStorage::set(UNDO, &saved);
        persist.undo.set(Some(saved));
    }
}

/// Puts the Undo slot's state back, and empties the slot.
pub fn undo(persist: Persist, workspace: Workspace) {
    let Some(saved) = persist.undo.get_untracked() else {
        return;
    };
    match share::decode_saved(&saved) {
        Ok(state) => {
            workspace.restore(state);
            persist
                .message
                .set(Some("Restored the earlier work.".into()));
        }
        Err(error) => persist
            .message
            .set(Some(format!("The earlier work could not be read: {error}"))),
    }
    LocalStorage::delete(UNDO);
    persist.undo.set(None);
}

/// Puts `link` in the address bar without a new history entry (none:
/// the page's address without a hash).
fn replace_hash(link: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let url = if link.is_empty() {
        let location = window.location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    } else {
        format!("#{link}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(after: &str) -> PageState {
        PageState {
            after: after.into(),
            ..PageState::default()
        }
    }

    #[test]
    fn a_link_wins_and_keeps_the_saved_work_for_undo() {
        let link = share::encode(&state("from the link")).expect("fits");
        let saved = share::encode_saved(&state("mine")).expect("fits");
        let opened = start(&link, Some(&saved));
        assert_eq!(opened.state, Some(state("from the link")));
        assert_eq!(opened.displaced.as_deref(), Some(saved.as_str()));
        assert!(opened.message.is_some_and(|m| m.contains("Undo")));
        // The same state saved: nothing displaced, nothing said.
        let same = start(&link, Some(&link));
        assert_eq!((same.displaced, same.message), (None, None));
    }

    #[test]
    fn a_broken_link_opens_the_saved_work_with_a_message() {
        let saved = share::encode_saved(&state("mine")).expect("fits");
        let opened = start("1.%3Cscript%3E", Some(&saved));
        assert_eq!(opened.state, Some(state("mine")));
        let message = opened.message.unwrap_or_default();
        assert!(
            message.contains("did not open") && message.contains("autosaved"),
            "{message}"
        );
        let fresh = start("2.abc", None);
        assert_eq!(fresh.state, None);
        assert!(
            fresh
                .message
                .is_some_and(|m| m.contains("format 2") && m.contains("example"))
        );
    }

    #[test]
    fn without_a_link_the_saved_work_opens() {
        let saved = share::encode_saved(&state("mine")).expect("fits");
        assert_eq!(start("", Some(&saved)).state, Some(state("mine")));
        assert_eq!(start("", None), Start::default());
        let unreadable = start("", Some("garbage"));
        assert_eq!(unreadable.state, None);
        assert!(unreadable.message.is_some());
    }
}
