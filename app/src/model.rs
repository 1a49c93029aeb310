//! A model editor: SQLAlchemy source or PostgreSQL DDL, read as you type.
//!
//! A model file is read on every edit by `retort_core::python::read_schema`
//! (no Python runs); SQL (a pane whose first statement is SQL) by the SQL
//! reader in its Web Worker ([`crate::analysis`]). Either way the diagnostics
//! are underlined in the editor, the first one is summarised under it, and
//! the schema read is shown as a compact outline.

use leptos::prelude::*;
use retort_core::input::looks_like_sql;
use retort_core::{Diagnostic, LineIndex, python};

use crate::analysis;
use crate::editor::{CodeEditor, Language, Underline};

/// One line under the editor: what was read, or the first problem and how
/// many there are.
pub fn summary(text: &str, tables: usize, diagnostics: &[Diagnostic]) -> String {
    let Some(first) = diagnostics.first() else {
        let n = tables;
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

/// What a pane shows about its text, whichever reader read it.
#[derive(Debug, Clone, PartialEq)]
struct Read {
    tables: usize,
    outline: String,
    diagnostics: Vec<Diagnostic>,
}

/// A model editor (Python or SQL) for one side of the change.
#[component]
pub fn ModelEditor(text: RwSignal<String>, side: Side, label: &'static str) -> impl IntoView {
    let language = Memo::new(move |_| {
        if text.with(|t| looks_like_sql(t)) {
            Language::Sql
        } else {
            Language::Python
        }
    });
    // Python: read here, on every edit.
    let python_read = Memo::new(move |_| {
        (language.get() == Language::Python).then(|| {
            text.with(|t| {
                let (schema, diagnostics) =
                    measured("retort:read-model", || python::read_schema(t));
                Read {
                    tables: schema.tables.len(),
                    outline: schema.outline(),
                    diagnostics,
                }
            })
        })
    });
    // SQL: read by the worker; only the reply to the latest text is kept.
    let sql_read = RwSignal::new(None::<Result<Read, String>>);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        if language.get() != Language::Sql {
            return;
        }
        let id = text.with(|t| {
            analysis::read_sql(t, move |reply| {
                let wanted = latest.get_value();
                match reply {
                    Ok((id, reply)) if id == wanted => sql_read.set(Some(Ok(Read {
                        tables: reply.tables,
                        outline: reply.outline,
                        diagnostics: reply.diagnostics,
                    }))),
                    Ok(_) => {} // an answer to older text
                    Err(error) => sql_read.set(Some(Err(error))),
                }
            })
        });
        latest.set_value(id);
    });
    let read = Memo::new(move |_| match language.get() {
        Language::Python => python_read.get().map(Ok),
        Language::Sql => sql_read.get(),
    });
    let underlines = Signal::derive(move || {
        read.with(|r| match r {
            Some(Ok(read)) => read.diagnostics.iter().map(Underline::from).collect(),
            _ => Vec::new(),
        })
    });
    let status = Memo::new(move |_| {
        read.with(|r| match r {
            Some(Ok(read)) => {
                let line = text.with_untracked(|t| summary(t, read.tables, &read.diagnostics));
                (line, read.diagnostics.is_empty())
            }
            Some(Err(error)) => (error.clone(), false),
            None => ("reading SQL…".to_string(), true),
        })
    });
    let outline = Memo::new(move |_| {
        read.with(|r| match r {
            Some(Ok(read)) => read.outline.clone(),
            _ => String::new(),
        })
    });
    let side = side.name();
    view! {
        <CodeEditor
            language=Language::Python
            language_of=language
            text=text
            test_id=format!("editor-{side}")
            label=label
            underlines=underlines
        />
        <p
            class="editor-status"
            class:has-errors=move || !status.get().1
            data-testid=format!("diagnostics-{side}")
            data-language=move || match language.get() {
                Language::Python => "python",
                Language::Sql => "sql",
            }
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
        summary(source, schema.tables.len(), &diagnostics)
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
