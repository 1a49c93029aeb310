//! The Revision pane: the Alembic revision for the change between the two
//! model panes, written by the analysis worker as you type.

use leptos::prelude::*;

use crate::analysis;
use crate::editor::{CodeEditor, Language};

/// What the line above the revision says.
pub fn status_line(errors: usize, safe: bool) -> String {
    let mode = if safe {
        "safe mode: retort's additions are marked # retort:"
    } else {
        "as Alembic writes it"
    };
    match errors {
        0 => mode.to_string(),
        1 => format!("{mode} — 1 error in the models (see their panes)"),
        n => format!("{mode} — {n} errors in the models (see their panes)"),
    }
}

#[component]
pub fn RevisionPane(before: RwSignal<String>, after: RwSignal<String>) -> impl IntoView {
    let safe = RwSignal::new(true);
    let revision = RwSignal::new(String::new());
    let status = RwSignal::new("writing the revision…".to_string());
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let is_safe = safe.get();
        let id = before.with(|b| {
            after.with(|a| {
                analysis::revision(b, a, is_safe, move |reply| match reply {
                    Ok(reply) if reply.id as u64 == latest.get_value() => {
                        revision.set(reply.revision);
                        status.set(status_line(reply.errors, is_safe));
                    }
                    Ok(_) => {} // for older text
                    Err(error) => status.set(error),
                })
            })
        });
        latest.set_value(id);
    });
    view! {
        <div class="revision-controls">
            <label>
                <input
                    type="checkbox"
                    data-testid="safe-mode"
                    prop:checked=move || safe.get()
                    on:change=move |event| safe.set(event_target_checked(&event))
                />
                " safe mode"
            </label>
            <span class="muted" data-testid="revision-status">{move || status.get()}</span>
        </div>
        <CodeEditor
            language=Language::Python
            text=revision
            test_id="editor-revision"
            label="The Alembic revision"
            read_only=true
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_says_the_mode_and_the_errors() {
        assert_eq!(status_line(0, false), "as Alembic writes it");
        assert!(status_line(2, true).ends_with("2 errors in the models (see their panes)"));
    }
}
