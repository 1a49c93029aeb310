//! A model editor: SQLAlchemy source or PostgreSQL DDL, read as you type.
//!
//! A model file is read on every edit in the analysis worker
//! ([`crate::analysis`]), off the page's thread (no Python runs): a model
//! file alone, SQL (a pane whose first statement is SQL), or a model opened
//! in its folder or zip of modules (read with the modules it imports from
//! there). Only the reply to the latest text is kept. The diagnostics
//! are underlined in the editor, the first one is summarised under it, and
//! the schema read is shown as a compact outline.

use leptos::prelude::*;
use leptos::task::spawn_local;
use retort_core::input::looks_like_sql;
use retort_core::protocol::SourceFile;
use retort_core::{Diagnostic, LineIndex};
use wasm_bindgen::JsCast;

use crate::analysis::{self, ModelFolder, ModelInput};
use crate::editor::{CodeEditor, Language, Underline};
use crate::history::read_files;

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
    /// Modules read (more than one in a folder).
    modules: usize,
    /// Problems in the other modules read, as `path: message`.
    elsewhere: Vec<String>,
}

/// The file of a folder to open first: the one declaring the most tables.
fn likely_models(files: &[SourceFile]) -> Option<&SourceFile> {
    let score = |f: &SourceFile| {
        ["__tablename__", "Table(", "mapped_column(", "Column("]
            .iter()
            .map(|marker| f.text.matches(marker).count())
            .sum::<usize>()
    };
    files
        .iter()
        .max_by_key(|f| (score(f), std::cmp::Reverse(f.path.len())))
}

/// A model editor (Python or SQL) for one side of the change. A folder (or
/// a zip) of modules can be opened in it: the file in view is read with the
/// modules it imports from there.
#[component]
pub fn ModelEditor(
    text: RwSignal<String>,
    folder: RwSignal<Option<ModelFolder>>,
    side: Side,
    label: &'static str,
) -> impl IntoView {
    let language = Memo::new(move |_| {
        if text.with(|t| looks_like_sql(t)) {
            Language::Sql
        } else {
            Language::Python
        }
    });
    // Read by the worker (the reader stays out of the page's wasm); only
    // the reply to the latest text is kept. `retort:read-model` measures
    // the request to its reply, for the benchmark. Each read keeps the
    // language it was of: a read of SQL is not shown once the pane holds
    // Python (its underlines would be at places of the other text).
    let worker_read = RwSignal::new(None::<(Language, Result<Read, String>)>);
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let input = ModelInput {
            text: text.get(),
            folder: folder.get(),
        };
        let of = language.get_untracked();
        let performance = web_sys::window().and_then(|w| w.performance());
        let start = format!("retort:read-model-start-{}", side.name());
        if let Some(p) = &performance {
            let _ = p.mark(&start);
        }
        let id = analysis::read_model(input, move |reply| {
            let wanted = latest.get_value();
            match reply {
                Ok((id, reply)) if id == wanted => {
                    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                        let _ = p.measure_with_start_mark("retort:read-model", &start);
                    }
                    worker_read.set(Some((
                        of,
                        Ok(Read {
                            tables: reply.tables,
                            outline: reply.outline,
                            diagnostics: reply.diagnostics,
                            modules: reply.modules,
                            elsewhere: reply.elsewhere,
                        }),
                    )))
                }
                Ok(_) => {} // an answer to older text
                Err(error) => worker_read.set(Some((of, Err(error)))),
            }
        });
        latest.set_value(id);
    });
    let read = Memo::new(move |_| {
        worker_read.with(|r| {
            r.as_ref()
                .filter(|(of, _)| *of == language.get())
                .map(|(_, read)| read.clone())
        })
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
                let mut line = text.with_untracked(|t| summary(t, read.tables, &read.diagnostics));
                if read.modules > 1 {
                    line.push_str(&format!(" · {} modules read", read.modules));
                }
                if let Some(first) = read.elsewhere.first() {
                    let n = read.elsewhere.len();
                    line.push_str(&format!(
                        " · {n} problem{} in them: {first}",
                        if n == 1 { "" } else { "s" }
                    ));
                }
                (
                    line,
                    read.diagnostics.is_empty() && read.elsewhere.is_empty(),
                )
            }
            Some(Err(error)) => (error.clone(), false),
            None => ("reading…".to_string(), true),
        })
    });
    let outline = Memo::new(move |_| {
        read.with(|r| match r {
            Some(Ok(read)) => read.outline.clone(),
            _ => String::new(),
        })
    });
    let side = side.name();
    // A folder or zip of modules: the file with the most tables opens.
    let status_folder = RwSignal::new(String::new());
    let open = move |mut files: Vec<SourceFile>| {
        files.retain(|f| f.path.ends_with(".py"));
        let Some(first) = likely_models(&files).cloned() else {
            status_folder.set("no .py files in what was given".into());
            return;
        };
        status_folder.set(String::new());
        folder.set(Some(ModelFolder {
            entry: first.path.clone(),
            files,
        }));
        text.set(first.text);
    };
    let load = move |event: leptos::ev::Event| {
        let Some(list) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
        else {
            return;
        };
        status_folder.set("reading…".into());
        spawn_local(async move {
            let (files, zips) = match read_files(list).await {
                Ok(read) => read,
                Err(error) => return status_folder.set(error),
            };
            if zips.is_empty() {
                return open(files);
            }
            for (path, bytes) in zips {
                let mut all = files.clone();
                analysis::unzip(bytes, move |reply| match reply {
                    Ok((_, reply)) => match reply.error {
                        Some(error) => status_folder.set(format!("{path}: {error}")),
                        None => {
                            all.extend(reply.files);
                            open(all);
                        }
                    },
                    Err(error) => status_folder.set(error),
                });
            }
        });
    };
    // Another file of the folder in view: the edits to this one are kept.
    let choose = move |event: leptos::ev::Event| {
        let chosen = event_target_value(&event);
        let current = text.get_untracked();
        let mut next = None;
        folder.update(|f| {
            if let Some(f) = f {
                if let Some(file) = f.files.iter_mut().find(|file| file.path == f.entry) {
                    file.text = current;
                }
                next = f
                    .files
                    .iter()
                    .find(|file| file.path == chosen)
                    .map(|file| file.text.clone());
                f.entry = chosen;
            }
        });
        if let Some(next) = next {
            text.set(next);
        }
    };
    let close = move |_| {
        folder.set(None);
    };
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let paths = Memo::new(move |_| {
        folder.with(|f| {
            f.as_ref().map(|f| {
                (
                    f.entry.clone(),
                    f.files
                        .iter()
                        .map(|file| file.path.clone())
                        .collect::<Vec<_>>(),
                )
            })
        })
    });
    view! {
        <div class="revision-controls model-source">
            <label class="file-choice">
                "models folder "
                <input type="file" data-testid=format!("model-folder-{side}") node_ref=folder_input multiple on:change=load />
            </label>
            <label class="file-choice">
                "or a zip "
                <input type="file" data-testid=format!("model-zip-{side}") accept=".zip" on:change=load />
            </label>
            {move || {
                paths
                    .get()
                    .map(|(entry, all)| {
                        view! {
                            <label class="file-choice">
                                "file "
                                <select data-testid=format!("model-file-{side}") on:change=choose>
                                    {all
                                        .into_iter()
                                        .map(|path| {
                                            let selected = path == entry;
                                            view! { <option value=path.clone() selected=selected>{path.clone()}</option> }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                            <button type="button" data-testid=format!("model-folder-close-{side}") on:click=close>
                                "one file"
                            </button>
                        }
                    })
            }}
            <span class="muted">{move || status_folder.get()}</span>
        </div>
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
        let (schema, diagnostics) = retort_core::python::read_schema(source);
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
