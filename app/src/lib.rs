//! The retort playground: Leptos (client-side rendered) components over
//! `retort-core`.
//!
//! Logic lives in plain Rust (the core, and the small pure helpers beside each
//! component, tested natively); components only wire it to the page. The two
//! things only JavaScript can do, CodeMirror editors and booting PGlite, are
//! reached through `www/js/glue.js`.
// `DbError` carries every field Postgres reports (message, SQLSTATE, position,
// detail, hint…) and is built at most once per failed query: its size is not
// worth boxing.
#![allow(clippy::result_large_err)]

pub mod analysis;
pub mod checklist;
pub mod console;
pub mod editor;
pub mod embed;
pub mod gallery;
pub mod history;
pub mod lesson;
pub mod model;
pub mod persist;
pub mod pglite;
pub mod postgres;
pub mod rehearsal;
pub mod review;
pub mod revision;
pub mod share_bar;
pub mod workspace;

use leptos::prelude::*;
use retort_core::share::PageState;
use wasm_bindgen::JsCast;

use crate::checklist::ChecklistPanel;
use crate::console::SqlConsole;
use crate::editor::ReadOnly;
use crate::embed::Embed;
use crate::gallery::Gallery;
use crate::history::HistoryPane;
use crate::lesson::LessonPanel;
use crate::model::{ModelEditor, Side};
use crate::postgres::{PgStatusBadge, Postgres};
use crate::rehearsal::{Controls, Inputs, Rehearsal};
use crate::review::ReviewPane;
use crate::revision::{RevisionPane, RevisionSql, SqlPane};
use crate::share_bar::{EmbedBar, ShareBar};
use crate::workspace::{DEFAULT_ROWS, POSTGRES_VERSIONS, Workspace};

const MODEL_BEFORE: &str = r#"from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
"#;

/// The example change: the same model with a `NOT NULL` column added to a
/// table that already has rows, the classic foot-gun.
fn model_after() -> String {
    format!(
        "{MODEL_BEFORE}    # NOT NULL on a table that already has rows: the classic foot-gun.\n    \
         bio: Mapped[str] = mapped_column(String(500))\n"
    )
}

/// What the page opens with when there is neither a link nor saved work.
fn example() -> PageState {
    PageState {
        before: MODEL_BEFORE.to_string(),
        after: model_after(),
        ..clean()
    }
}

/// What New starts from: one empty declarative base on both sides.
fn clean() -> PageState {
    let base =
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n";
    PageState {
        before: base.to_string(),
        after: base.to_string(),
        safe: true,
        postgres: POSTGRES_VERSIONS[0],
        rows: DEFAULT_ROWS,
        ..PageState::default()
    }
}

/// The pane (by test id) an event happened in.
fn pane_of(event: &web_sys::Event) -> Option<String> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    element.closest(".pane").ok()??.get_attribute("data-testid")
}

/// One pane of the playground.
#[component]
fn Pane(
    title: &'static str,
    test_id: &'static str,
    #[prop(optional)] subtitle: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="pane" data-testid=test_id aria-label=title>
            <header class="pane-head">
                <h2>{title}</h2>
                {subtitle.map(|s| view! { <span class="muted">{s}</span> })}
            </header>
            <div class="pane-body">{children()}</div>
        </section>
    }
}

#[component]
pub fn App() -> impl IntoView {
    let location = web_sys::window().map(|w| w.location());
    let search = location
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    let embed = Embed::parse(&search);
    // An embed shows its link's state and never the reader's own work.
    let saved = embed.is_none().then(persist::saved).flatten();
    let start = persist::start(&persist::current_hash(), saved.as_deref());
    let workspace = Workspace::new(start.state.clone().unwrap_or_else(example));
    let persist = persist::keep(workspace, &start, embed.is_none());
    if let Some(embed) = &embed {
        provide_context(ReadOnly(!embed.live));
    }
    let shows = {
        let embed = embed.clone();
        move |pane: &str| embed.as_ref().is_none_or(|e| e.shows(pane))
    };

    let postgres = Postgres::new();
    let Workspace {
        before,
        after,
        revision,
        ..
    } = workspace;
    let before_folder = RwSignal::new(None::<analysis::ModelFolder>);
    let after_folder = RwSignal::new(None::<analysis::ModelFolder>);
    let sql = RwSignal::new(RevisionSql::default());
    let console = RwSignal::new(console::example());
    let versions = RwSignal::new(Vec::<retort_core::protocol::SourceFile>::new());
    let controls = Controls::new();
    let rehearsed = RwSignal::new(None::<retort_core::report::checklist::Rehearsed>);
    let inputs = Inputs {
        before,
        before_folder,
        after,
        after_folder,
        revision,
        versions,
        rows: workspace.rows,
        per_migration: workspace.per_migration,
        seed: workspace.seed,
        seed_edited: workspace.seed_edited,
        rehearsed,
    };
    let review = RwSignal::new(None::<analysis::Review>);
    let underlines = Signal::derive(move || {
        review.with(|r| r.as_ref().map(review::underlines).unwrap_or_default())
    });

    let header = match &embed {
        Some(_) => view! { <EmbedBar persist=persist /> }.into_any(),
        None => view! {
            <header class="top">
                <div class="brand">
                    <h1>"retort"</h1>
                    <span class="tagline">"review and rehearse Alembic migrations"</span>
                </div>
                <ShareBar workspace=workspace persist=persist clean=clean />
                <PgStatusBadge postgres=postgres />
            </header>
            <Gallery workspace=workspace persist=persist />
            <LessonPanel workspace=workspace postgres=postgres />
        }
        .into_any(),
    };
    // The Revision pane writes the revision the Review, SQL and Simulate
    // panes read: an embed without it still needs it written.
    let revision_pane = move || {
        view! {
            <RevisionPane
                before=before
                after=after
                before_folder=before_folder
                after_folder=after_folder
                revision=revision
                choices=workspace.choices
                pending=workspace.pending_revision
                underlines=underlines
            />
        }
    };
    let hidden_revision = (!shows("pane-revision")
        && ["pane-sql", "pane-review", "pane-simulate"]
            .iter()
            .any(|p| shows(p)))
    .then(|| view! { <div hidden>{revision_pane()}</div> });
    // The SQL pane shows what the review computes.
    let hidden_review = (!shows("pane-review") && shows("pane-sql")).then(|| {
        view! {
            <div hidden>
                <ReviewPane revision=revision sql=sql review=review postgres=workspace.postgres />
            </div>
        }
    });

    let page = view! {
        {header}
        <main
            class="panes"
            class:embedded=embed.is_some()
            on:focusin=move |event| {
                if let Some(pane) = pane_of(&event)
                    && workspace.focus.with_untracked(|f| f.as_deref() != Some(pane.as_str()))
                {
                    workspace.focus.set(Some(pane));
                }
            }
        >
            {shows("pane-before").then(|| view! {
                <Pane title="Model before" test_id="pane-before" subtitle="SQLAlchemy, as on main">
                    <ModelEditor text=before folder=before_folder side=Side::Before label="Model before the change" />
                </Pane>
            })}
            {shows("pane-after").then(|| view! {
                <Pane title="Model after" test_id="pane-after" subtitle="SQLAlchemy, with your change">
                    <ModelEditor text=after folder=after_folder side=Side::After label="Model after the change" />
                </Pane>
            })}
            {shows("pane-revision").then(|| view! {
                <Pane title="Revision" test_id="pane-revision" subtitle="what alembic revision --autogenerate writes">
                    {revision_pane()}
                </Pane>
            })}
            {hidden_revision}
            {shows("pane-sql").then(|| view! {
                <Pane title="SQL" test_id="pane-sql" subtitle="what alembic upgrade --sql prints">
                    <SqlPane sql=sql />
                </Pane>
            })}
            {shows("pane-review").then(|| view! {
                <Pane title="Review" test_id="pane-review" subtitle="locks, rewrites, failures on live data">
                    <ReviewPane revision=revision sql=sql review=review postgres=workspace.postgres />
                    <ChecklistPanel review=review rehearsed=rehearsed />
                </Pane>
            })}
            {hidden_review}
            {shows("pane-history").then(|| view! {
                <Pane title="History" test_id="pane-history" subtitle="a versions/ folder, as alembic history sees it">
                    <HistoryPane console=console revision=revision files=versions rehearsal=controls />
                </Pane>
            })}
            {shows("pane-simulate").then(|| view! {
                <Pane title="Simulate" test_id="pane-simulate" subtitle="real PostgreSQL in your browser (PGlite)">
                    <Rehearsal postgres=postgres inputs=inputs controls=controls />
                    <details class="console-details" open>
                        <summary>"SQL console"</summary>
                        <SqlConsole postgres=postgres sql=console />
                    </details>
                </Pane>
            })}
        </main>
    };

    // The static "Loading retort…" placeholder in index.html has done its job.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }

    if embed.is_some() {
        share_bar::report_height();
    }

    // Marked once the first frame with the editors in it is painted; the e2e
    // suite reads it as "time to interactive". The pane a link names is
    // brought into view.
    let focus = workspace.focus.get_untracked();
    Effect::new(move |_| {
        let focus = focus.clone();
        request_animation_frame(move || {
            if let Some(pane) = focus.and_then(|id| {
                web_sys::window()?
                    .document()?
                    .query_selector(&format!("[data-testid=\"{id}\"]"))
                    .ok()?
            }) {
                pane.scroll_into_view();
            }
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("retort:interactive");
            }
        });
    });

    page
}
