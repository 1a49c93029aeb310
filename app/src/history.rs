//! The History pane: a `versions/` folder (or revision files, or a zip)
//! chosen from disk or dropped on the pane, read by the analysis worker as Alembic reads it, drawn as a graph
//! (SVG drawn by the worker, `Graph::svg`: a row per revision, newest first,
//! a lane per line of development, heads and merges marked). Clicking a
//! revision opens its file in the Revision pane (so the Review and SQL panes
//! judge it), puts the PostgreSQL from an empty database up to it in the
//! Simulate console, to run on PGlite, and shows the schema the revisions
//! build up to it, replayed with no database.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use retort_core::protocol::{HistoryPicture, SourceFile};

use crate::analysis;
use crate::rehearsal::{Controls, Source};
use crate::revision::{Origin, RevisionText};

/// Chosen or dropped files: each `.py` (its path inside the chosen folder,
/// or the file name), and the path and bytes of each `.zip` (the worker
/// unpacks those).
pub(crate) async fn read_files(
    list: web_sys::FileList,
) -> Result<(Vec<SourceFile>, Vec<(String, Vec<u8>)>), String> {
    let mut files = Vec::new();
    let mut zips = Vec::new();
    for i in 0..list.length() {
        let Some(file) = list.item(i) else { continue };
        let name = file.name();
        let relative = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let path = if relative.is_empty() {
            name.clone()
        } else {
            relative
        };
        let zip = name.ends_with(".zip");
        if !zip && !name.ends_with(".py") {
            continue;
        }
        let read = if zip {
            file.array_buffer()
        } else {
            file.text()
        };
        let value = JsFuture::from(read)
            .await
            .map_err(|e| format!("{path}: cannot be read: {e:?}"))?;
        if zip {
            zips.push((path, js_sys::Uint8Array::new(&value).to_vec()));
        } else {
            files.push(SourceFile {
                path,
                text: value.as_string().unwrap_or_default(),
            });
        }
    }
    Ok((files, zips))
}

#[component]
pub fn HistoryPane(
    console: RwSignal<String>,
    revision: RevisionText,
    /// The files read (the rehearsal can run them).
    files: RwSignal<Vec<SourceFile>>,
    /// The Simulate pane's source and command line, set by a click.
    rehearsal: Controls,
) -> impl IntoView {
    let graph = RwSignal::new(None::<HistoryPicture>);
    let status = RwSignal::new("Choose a versions/ folder, or revision files.".to_string());
    let current = RwSignal::new(String::new());

    // Asks for the graph of the files read, with the current revision.
    let draw = move || {
        let count = files.with_untracked(Vec::len);
        files.with_untracked(|read| {
            analysis::history(read, &current.get_untracked(), move |reply| match reply {
                Ok((_, reply)) => {
                    let problems = reply.problems.len();
                    status.set(match problems {
                        0 => format!("{count} files, {} revisions", reply.revisions),
                        n => format!(
                            "{count} files, {} revisions, {n} problem{}: {}",
                            reply.revisions,
                            if n == 1 { "" } else { "s" },
                            reply.problems[0]
                        ),
                    });
                    graph.set(Some(reply));
                }
                Err(error) => status.set(error),
            });
        });
    };

    let take = move |list: web_sys::FileList| {
        status.set("reading…".into());
        spawn_local(async move {
            let (read, zips) = match read_files(list).await {
                Ok(read) => read,
                Err(error) => return status.set(error),
            };
            let nothing = read.is_empty() && zips.is_empty();
            files.set(read);
            if !files.with_untracked(Vec::is_empty) {
                draw();
            }
            for (path, bytes) in zips {
                // Each zip's .py files join the others when the worker has
                // unpacked it.
                analysis::unzip(bytes, move |reply| match reply {
                    Ok((_, reply)) => match reply.error {
                        Some(error) => status.set(format!("{path}: {error}")),
                        None => {
                            files.update(|f| f.extend(reply.files));
                            draw();
                        }
                    },
                    Err(error) => status.set(error),
                });
            }
            if nothing {
                status.set("no .py or .zip files in what was given".into());
            }
        });
    };
    let load = move |event: leptos::ev::Event| {
        if let Some(list) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
        {
            take(list);
        }
    };
    let drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        if let Some(list) = event.data_transfer().and_then(|d| d.files()) {
            take(list);
        }
    };

    // The schema the revisions build up to the clicked one, replayed with
    // no database: (the revision, its outline, what was not replayed).
    let replayed: RwSignal<Option<(String, String, Vec<String>)>> = RwSignal::new(None);
    let simulate = move |id: String| {
        status.set(format!("writing the SQL up to {id}…"));
        rehearsal.source.set(Source::Folder);
        rehearsal.command.set(format!("upgrade {id}"));
        let target = id.clone();
        files.with_untracked(|read| {
            analysis::path(read, &target, move |reply| match reply {
                Ok((_, reply)) => {
                    replayed.set(Some((id.clone(), reply.schema.clone(), reply.not_replayed.clone())));
                    console.set(reply.sql);
                    if let Some(file) = reply.file {
                        revision.open(Origin::File(file.path), file.text);
                    }
                    status.set(match reply.problems.first() {
                        None => format!(
                            "{id} is in the Revision and Review panes; Simulate is set to `upgrade {id}` on this folder, and the SQL of the {} revisions up to it is in its console",
                            reply.revisions.len()
                        ),
                        Some(problem) => format!(
                            "{id} is in the Revision and Review panes; Simulate is set to `upgrade {id}` on this folder, and the SQL up to it is in its console ({} problems; first: {problem})",
                            reply.problems.len()
                        ),
                    });
                }
                Err(error) => status.set(error),
            });
        });
    };

    // The picture is the worker's SVG; a click on a revision is found by
    // its `data-revision`.
    let picture = move || graph.with(|g| g.as_ref().map(|g| g.svg.clone()).unwrap_or_default());
    let click = move |event: leptos::ev::MouseEvent| {
        let revision = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("[data-revision]").ok().flatten())
            .and_then(|e| e.get_attribute("data-revision"));
        if let Some(id) = revision {
            simulate(id);
        }
    };

    // `webkitdirectory` (a folder picker) is no attribute the view macro
    // knows: set on the element once it exists.
    let folder_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    view! {
        <div class="revision-controls">
            <label class="file-choice">
                "versions/ folder "
                <input type="file" data-testid="history-folder" node_ref=folder_input multiple on:change=load />
            </label>
            <label class="file-choice">
                "or files (.py, .zip) "
                <input
                    type="file"
                    data-testid="history-files"
                    accept=".py,.zip"
                    multiple
                    on:change=load
                />
            </label>
        </div>
        <div class="revision-controls">
            <label class="file-choice">
                "the database is at "
                <input
                    type="text"
                    data-testid="history-current"
                    placeholder="revision, prefix or label"
                    spellcheck="false"
                    prop:value=move || current.get()
                    on:change=move |event| {
                        current.set(event_target_value(&event));
                        if files.with_untracked(|f| !f.is_empty()) {
                            draw();
                        }
                    }
                />
            </label>
        </div>
        <p class="muted history-status" data-testid="history-status">{move || status.get()}</p>
        <div
            class="history-scroll"
            data-testid="history-drop"
            on:dragover=move |event: leptos::ev::DragEvent| event.prevent_default()
            on:drop=drop
        >
            {move || {
                graph
                    .with(Option::is_none)
                    .then(|| {
                        view! {
                            <p class="notice">
                                "Drop revision files or a zip of a versions/ folder here."
                            </p>
                        }
                    })
            }}
            <div data-testid="history-picture" inner_html=picture on:click=click></div>
        </div>
        {move || {
            replayed
                .get()
                .map(|(id, outline, problems)| {
                    let heading = format!(
                        "The schema at {id}, replayed from the revisions (no database){}",
                        if problems.is_empty() {
                            String::new()
                        } else {
                            format!(" — {} not replayed: {}", problems.len(), problems.join("; "))
                        },
                    );
                    let outline = if outline.is_empty() { "(no tables)".to_string() } else { outline };
                    view! {
                        <details class="history-schema" open>
                            <summary data-testid="history-schema-title">{heading}</summary>
                            <pre data-testid="history-schema">{outline}</pre>
                        </details>
                    }
                })
        }}
    }
}
