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
pub mod console;
pub mod editor;
pub mod history;
pub mod model;
pub mod pglite;
pub mod postgres;
pub mod rehearsal;
pub mod review;
pub mod revision;

use leptos::prelude::*;

use crate::console::SqlConsole;
use crate::history::HistoryPane;
use crate::model::{ModelEditor, Side};
use crate::postgres::{PgStatusBadge, Postgres};
use crate::rehearsal::{Controls, Inputs, Rehearsal};
use crate::review::ReviewPane;
use crate::revision::{RevisionPane, RevisionSql, RevisionText, SqlPane};

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
    let postgres = Postgres::new();
    let before = RwSignal::new(MODEL_BEFORE.to_string());
    let after = RwSignal::new(model_after());
    let before_folder = RwSignal::new(None::<analysis::ModelFolder>);
    let after_folder = RwSignal::new(None::<analysis::ModelFolder>);
    let sql = RwSignal::new(RevisionSql::default());
    let console = RwSignal::new(console::example());
    let revision = RevisionText::new();
    let versions = RwSignal::new(Vec::<retort_core::protocol::SourceFile>::new());
    let controls = Controls::new();
    let inputs = Inputs {
        before,
        before_folder,
        after,
        after_folder,
        revision,
        versions,
    };
    let review = RwSignal::new(None::<analysis::Review>);
    let underlines = Signal::derive(move || {
        review.with(|r| r.as_ref().map(review::underlines).unwrap_or_default())
    });

    let page = view! {
        <header class="top">
            <div class="brand">
                <h1>"retort"</h1>
                <span class="tagline">"review and rehearse Alembic migrations"</span>
            </div>
            <PgStatusBadge postgres=postgres />
        </header>
        <main class="panes">
            <Pane title="Model before" test_id="pane-before" subtitle="SQLAlchemy, as on main">
                <ModelEditor text=before folder=before_folder side=Side::Before label="Model before the change" />
            </Pane>
            <Pane title="Model after" test_id="pane-after" subtitle="SQLAlchemy, with your change">
                <ModelEditor text=after folder=after_folder side=Side::After label="Model after the change" />
            </Pane>
            <Pane title="Revision" test_id="pane-revision" subtitle="what alembic revision --autogenerate writes">
                <RevisionPane
                    before=before
                    after=after
                    before_folder=before_folder
                    after_folder=after_folder
                    revision=revision
                    underlines=underlines
                />
            </Pane>
            <Pane title="SQL" test_id="pane-sql" subtitle="what alembic upgrade --sql prints">
                <SqlPane sql=sql />
            </Pane>
            <Pane title="Review" test_id="pane-review" subtitle="locks, rewrites, failures on live data">
                <ReviewPane revision=revision sql=sql review=review />
            </Pane>
            <Pane title="History" test_id="pane-history" subtitle="a versions/ folder, as alembic history sees it">
                <HistoryPane console=console revision=revision files=versions rehearsal=controls />
            </Pane>
            <Pane title="Simulate" test_id="pane-simulate" subtitle="real PostgreSQL in your browser (PGlite)">
                <Rehearsal postgres=postgres inputs=inputs controls=controls />
                <details class="console-details" open>
                    <summary>"SQL console"</summary>
                    <SqlConsole postgres=postgres sql=console />
                </details>
            </Pane>
        </main>
    };

    // The static "Loading retort…" placeholder in index.html has done its job.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }

    // Marked once the first frame with the editors in it is painted; the e2e
    // suite reads it as "time to interactive".
    Effect::new(move |_| {
        request_animation_frame(|| {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("retort:interactive");
            }
        });
    });

    page
}
