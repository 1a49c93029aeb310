//! A model editor: SQLAlchemy source, checked as you type.
//!
//! Today the check is Python syntax (`retort_core::python`); the model reader
//! will add its own diagnostics to the same underlines and summary.

use leptos::prelude::*;
use retort_core::{Diagnostic, LineIndex, python};

use crate::editor::{CodeEditor, Language, Underline};

/// One line under the editor: "no syntax errors", or the first error and
/// how many there are.
pub fn summary(text: &str, diagnostics: &[Diagnostic]) -> String {
    let Some(first) = diagnostics.first() else {
        return "Python: no syntax errors".to_string();
    };
    let at = LineIndex::new(text).line_col(first.span.start);
    let count = diagnostics.len();
    let more = match count {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!("line {}:{}: {}{more}", at.line, at.column, first.message)
}

/// A Python editor for one side of the change (`before` or `after`).
#[component]
pub fn ModelEditor(
    text: RwSignal<String>,
    side: &'static str,
    label: &'static str,
) -> impl IntoView {
    let diagnostics = Memo::new(move |_| text.with(|t| python::parse(t).diagnostics));
    let underlines = Signal::derive(move || {
        diagnostics.with(|list| list.iter().map(Underline::from).collect::<Vec<_>>())
    });
    let status = Memo::new(move |_| {
        let line = diagnostics.with(|list| text.with_untracked(|t| summary(t, list)));
        let clean = diagnostics.with(Vec::is_empty);
        (line, clean)
    });
    let (editor_id, status_id) = match side {
        "before" => ("editor-before", "diagnostics-before"),
        _ => ("editor-after", "diagnostics-after"),
    };
    view! {
        <CodeEditor language=Language::Python text=text test_id=editor_id label=label underlines=underlines />
        <p
            class="editor-status"
            class:has-errors=move || !status.get().1
            data-testid=status_id
            aria-live="polite"
        >
            {move || status.get().0}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        let ok = "x = 1\n";
        assert_eq!(
            summary(ok, &python::parse(ok).diagnostics),
            "Python: no syntax errors"
        );
        let bad = "class User(Base)\n    id = 1\n";
        let line = summary(bad, &python::parse(bad).diagnostics);
        assert!(line.starts_with("line 1:17: syntax error: "), "{line}");
    }
}
