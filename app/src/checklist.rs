//! The production checklist of the Revision pane's text (the review's
//! `checks`, with what the Simulate pane measured), with boxes to tick and
//! a copy as Markdown for the pull request.

use leptos::prelude::*;
use retort_core::report::checklist::{self, Checklist, Rehearsed};

use crate::analysis::Review;
use crate::share_bar::offer;

/// A Markdown line as text and code spans: `(text, is_code)`.
pub fn spans(line: &str) -> Vec<(String, bool)> {
    line.replace("**", "")
        .split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| (part.to_string(), i % 2 == 1))
        .collect()
}

#[component]
pub fn ChecklistPanel(
    review: RwSignal<Option<Review>>,
    rehearsed: RwSignal<Option<Rehearsed>>,
) -> impl IntoView {
    let list = Memo::new(move |_| {
        review.with(|r| {
            r.as_ref()
                .filter(|r| !r.sql && !r.checks.is_empty())
                .map(|r| Checklist {
                    entries: r.checks.clone(),
                    rehearsed: rehearsed.get(),
                })
        })
    });
    let output = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let copy = move |_| {
        if let Some(list) = list.get_untracked() {
            offer(output, message, checklist::markdown(&list), "The checklist");
        }
    };
    let body = move || {
        list.get().map(|list| {
            let sections = checklist::sections(&list);
            view! {
                <p class="checklist-title">{checklist::text(&list).lines().next().unwrap_or("").to_string()}</p>
                {sections
                    .into_iter()
                    .map(|(section, lines)| {
                        view! {
                            <h4>{section}</h4>
                            <ul class="checklist-items">
                                {lines
                                    .into_iter()
                                    .map(|line| {
                                        let parts = spans(&line)
                                            .into_iter()
                                            .map(|(text, code)| {
                                                if code {
                                                    view! { <code>{text}</code> }.into_any()
                                                } else {
                                                    text.into_any()
                                                }
                                            })
                                            .collect_view();
                                        view! {
                                            <li data-testid="checklist-item">
                                                <label><input type="checkbox" />" " {parts}</label>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })
                    .collect_view()}
            }
        })
    };
    view! {
        <details class="checklist" data-testid="checklist" open>
            <summary>"Production checklist"</summary>
            {move || {
                list.with(Option::is_none)
                    .then(|| view! { <p class="muted">"A checklist is made for Alembic revisions."</p> })
            }}
            {body}
            <div class="checklist-bar">
                <button type="button" data-testid="checklist-copy" on:click=copy
                    prop:disabled=move || list.with(Option::is_none)>"Copy as Markdown"</button>
                <span class="muted" role="status">{move || message.get().unwrap_or_default()}</span>
            </div>
            <textarea class="share-output" readonly rows="6" data-testid="checklist-markdown"
                aria-label="The checklist as Markdown"
                prop:hidden=move || output.with(String::is_empty)
                prop:value=move || output.get()></textarea>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_and_bold_from_markdown() {
        assert_eq!(
            spans("**Back up** first: `b2` drops `users.bio`."),
            vec![
                ("Back up first: ".to_string(), false),
                ("b2".to_string(), true),
                (" drops ".to_string(), false),
                ("users.bio".to_string(), true),
                (".".to_string(), false),
            ]
        );
    }
}
