//! A model editor: SQLAlchemy source, read as you type.
//!
//! Every edit runs `retort_core::python::read_schema` (no Python runs): its
//! diagnostics are underlined in the editor, the first one is summarised
//! under it, and the schema it read is shown as a compact outline.

use leptos::prelude::*;
use retort_core::{Diagnostic, LineIndex, python, schema::Schema};

use crate::editor::{CodeEditor, Language, Underline};

/// One line under the editor: what was read, or the first problem and how
/// many there are.
pub fn summary(text: &str, schema: &Schema, diagnostics: &[Diagnostic]) -> String {
    let Some(first) = diagnostics.first() else {
        let n = schema.tables.len();
        return format!("{n} table{}, no problems", if n == 1 { "" } else { "s" });
    };
    let at = LineIndex::new(text).line_col(first.span.start);
    let more = match diagnostics.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!("line {}:{}: {}{more}", at.line, at.column, first.message)
}

/// Runs `f` between two performance marks and records a measure `name`
/// (read by `cargo xtask bench`; a no-op where there is no `performance`).
fn measured<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let performance = web_sys::window().and_then(|w| w.performance());
    let (start, end) = (format!("{name}:start"), format!("{name}:end"));
    if let Some(p) = &performance {
        let _ = p.mark(&start);
    }
    let value = f();
    if let Some(p) = &performance {
        let _ = p.mark(&end);
        let _ = p.measure_with_start_mark_and_end_mark(name, &start, &end);
    }
    value
}

/// Which side of the change an editor holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Before,
    After,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Before => "before",
            Side::After => "after",
        }
    }
}

/// A Python editor for one side of the change.
#[component]
pub fn ModelEditor(text: RwSignal<String>, side: Side, label: &'static str) -> impl IntoView {
    let read =
        Memo::new(move |_| text.with(|t| measured("retort:read-model", || python::read_schema(t))));
    let underlines = Signal::derive(move || {
        read.with(|(_, list)| list.iter().map(Underline::from).collect::<Vec<_>>())
    });
    let status = Memo::new(move |_| {
        read.with(|(schema, list)| {
            let line = text.with_untracked(|t| summary(t, schema, list));
            (line, list.is_empty())
        })
    });
    let outline = Memo::new(move |_| read.with(|(schema, _)| schema.outline()));
    let side = side.name();
    view! {
        <CodeEditor
            language=Language::Python
            text=text
            test_id=format!("editor-{side}")
            label=label
            underlines=underlines
        />
        <p
            class="editor-status"
            class:has-errors=move || !status.get().1
            data-testid=format!("diagnostics-{side}")
            aria-live="polite"
        >
            {move || status.get().0}
        </p>
        <details class="outline" open>
            <summary>"What retort reads"</summary>
            <pre data-testid=format!("outline-{side}")>{move || outline.get()}</pre>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summarise(source: &str) -> String {
        let (schema, diagnostics) = python::read_schema(source);
        summary(source, &schema, &diagnostics)
    }

    #[test]
    fn summaries() {
        assert_eq!(summarise("x = 1\n"), "0 tables, no problems");
        let bad = "class User(Base)\n    id = 1\n";
        assert!(
            summarise(bad).starts_with("line 1:17: syntax error: "),
            "{}",
            summarise(bad)
        );
    }
}
