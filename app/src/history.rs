//! The History pane: a `versions/` folder (or revision files, or a zip)
//! chosen from disk or dropped on the pane, read by the analysis worker as Alembic reads it, drawn as a graph
//! (SVG: a row per revision, newest first, a lane per line of development,
//! heads and merges marked). Clicking a revision puts the PostgreSQL from an
//! empty database up to it in the Simulate console, to run on PGlite.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::analysis::{self, HistoryReply};

const ROW: f64 = 26.0;
const LANE: f64 = 18.0;
const TOP: f64 = 14.0;
const LEFT: f64 = 12.0;

fn x(lane: usize) -> f64 {
    LEFT + lane as f64 * LANE
}

fn y(row: usize) -> f64 {
    TOP + row as f64 * ROW
}

/// Chosen or dropped files, read as text: `[path, text]` for each `.py`
/// (the path inside the chosen folder or zip, or the file name); a `.zip`
/// is unpacked. Files that are not UTF-8 are left out and named in the
/// second list.
async fn read_files(
    list: web_sys::FileList,
) -> Result<(Vec<(String, String)>, Vec<String>), String> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
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
        if name.ends_with(".zip") {
            let buffer = JsFuture::from(file.array_buffer())
                .await
                .map_err(|e| format!("{path}: cannot be read: {e:?}"))?;
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            let entries = retort_core::zip::entries(&bytes).map_err(|e| format!("{path}: {e}"))?;
            for (inner, data) in entries {
                if !inner.ends_with(".py") {
                    continue;
                }
                match String::from_utf8(data) {
                    Ok(text) => files.push((inner, text)),
                    Err(_) => skipped.push(inner),
                }
            }
            continue;
        }
        if !name.ends_with(".py") {
            continue;
        }
        let text = JsFuture::from(file.text())
            .await
            .map_err(|e| format!("{path}: cannot be read: {e:?}"))?;
        files.push((path, text.as_string().unwrap_or_default()));
    }
    Ok((files, skipped))
}

#[component]
pub fn HistoryPane(console: RwSignal<String>) -> impl IntoView {
    let files = StoredValue::new(Vec::<(String, String)>::new());
    let graph = RwSignal::new(None::<HistoryReply>);
    let status = RwSignal::new("Choose a versions/ folder, or revision files.".to_string());
    let selected = RwSignal::new(None::<String>);
    let current = RwSignal::new(String::new());

    // Asks for the graph of the files read, with the current revision.
    let draw = move || {
        let count = files.with_value(Vec::len);
        files.with_value(|read| {
            analysis::history(read, &current.get_untracked(), move |reply| match reply {
                Ok(reply) => {
                    let problems = reply.problems.len();
                    status.set(match problems {
                        0 => format!("{count} files, {} revisions", reply.nodes.len()),
                        n => format!(
                            "{count} files, {} revisions, {n} problem{}: {}",
                            reply.nodes.len(),
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
            match read_files(list).await {
                Err(error) => status.set(error),
                Ok((read, _)) if read.is_empty() => {
                    status.set("no .py files in what was given".into())
                }
                Ok((read, skipped)) => {
                    files.set_value(read);
                    draw();
                    if let Some(first) = skipped.first() {
                        status.set(format!("{first}: not UTF-8, left out"));
                    }
                }
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

    let simulate = move |id: String| {
        selected.set(Some(id.clone()));
        status.set(format!("writing the SQL up to {id}…"));
        let target = id.clone();
        files.with_value(|read| {
            analysis::path(read, &target, move |reply| match reply {
                Ok(reply) => {
                    console.set(reply.sql);
                    status.set(match reply.problems.first() {
                        None => format!(
                            "the {} revisions up to {id} are in the Simulate console: press Run",
                            reply.revisions.len()
                        ),
                        Some(problem) => format!(
                            "the revisions up to {id} are in the Simulate console ({} problems; first: {problem})",
                            reply.problems.len()
                        ),
                    });
                }
                Err(error) => status.set(error),
            });
        });
    };

    let picture = move || {
        graph.with(|g| {
            let g = g.as_ref()?;
            let width = x(g.lanes) + 640.0;
            let height = y(g.nodes.len());
            let edges = g
                .edges
                .iter()
                .filter_map(|&[child, parent]| {
                    let (c, p) = (g.nodes.get(child)?, g.nodes.get(parent)?);
                    let d = format!(
                        "M {} {} C {} {} {} {} {} {}",
                        x(c.lane),
                        y(c.row),
                        x(c.lane),
                        y(c.row) + ROW * 0.6,
                        x(p.lane),
                        y(p.row) - ROW * 0.6,
                        x(p.lane),
                        y(p.row)
                    );
                    Some(view! { <path class="edge" data-testid="history-edge" d=d /> })
                })
                .collect_view();
            let nodes = g
                .nodes
                .iter()
                .map(|n| {
                    let id = n.id.clone();
                    let is_selected = {
                        let id = id.clone();
                        move || selected.with(|s| s.as_deref() == Some(id.as_str()))
                    };
                    let class = format!(
                        "node{}{}{}",
                        if n.head { " head" } else { "" },
                        if n.mergepoint { " merge" } else { "" },
                        if n.current { " current" } else { "" }
                    );
                    let label_x = x(g.lanes) + 8.0;
                    let (cx, cy) = (x(n.lane), y(n.row));
                    let title = format!("{}\n{}", n.line, n.file);
                    view! {
                        <g
                            class=class
                            class:selected=is_selected
                            data-testid="history-node"
                            data-revision=id.clone()
                            on:click=move |_| simulate(id.clone())
                        >
                            <title>{title}</title>
                            <circle cx=cx cy=cy r="5" />
                            <text x=label_x y=cy + 4.0>{n.line.clone()}</text>
                        </g>
                    }
                })
                .collect_view();
            Some(view! {
                <svg
                    class="history-graph"
                    data-testid="history-graph"
                    width=width
                    height=height
                    viewBox=format!("0 0 {width} {height}")
                >
                    {edges}
                    {nodes}
                </svg>
            })
        })
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
                        if files.with_value(|f| !f.is_empty()) {
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
            {picture}
        </div>
    }
}
