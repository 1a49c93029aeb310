//! The page's one PGlite database: loaded lazily on first need, shared by the
//! console and (later) the simulator, with its state visible in the header.

use std::rc::Rc;

use js_sys::Promise;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

use crate::pglite::{self, Database, DbError, Progress};

/// What the status badge shows.
#[derive(Debug, Clone, PartialEq)]
pub enum PgStatus {
    /// Not loaded; it loads on first use.
    Idle,
    Loading(Progress),
    Ready {
        version: String,
        boot_ms: f64,
    },
    Failed(String),
}

impl PgStatus {
    /// The `data-state` attribute tests and CSS read.
    pub fn state(&self) -> &'static str {
        match self {
            PgStatus::Idle => "idle",
            PgStatus::Loading(_) => "loading",
            PgStatus::Ready { .. } => "ready",
            PgStatus::Failed(_) => "failed",
        }
    }

    /// The one line the badge shows.
    pub fn describe(&self) -> String {
        match self {
            PgStatus::Idle => "Postgres: not started (starts on first run)".into(),
            PgStatus::Loading(Progress::Download { loaded, total }) => {
                let mb = |bytes: f64| bytes / 1_048_576.0;
                if *total > 0.0 {
                    format!(
                        "Postgres: downloading {:.1} / {:.1} MB ({:.0}%)",
                        mb(*loaded),
                        mb(*total),
                        100.0 * loaded / total
                    )
                } else {
                    format!("Postgres: downloading {:.1} MB", mb(*loaded))
                }
            }
            PgStatus::Loading(Progress::Compile) => "Postgres: compiling".into(),
            PgStatus::Loading(Progress::Start) => "Postgres: starting".into(),
            PgStatus::Ready { version, boot_ms } => {
                format!(
                    "{} ready in {:.1} s",
                    short_version(version),
                    boot_ms / 1000.0
                )
            }
            PgStatus::Failed(reason) => format!("Postgres failed to load: {reason}"),
        }
    }
}

/// `PostgreSQL 18.6 (PGlite 0.5.16) on wasm32-…` → `PostgreSQL 18.6 (PGlite 0.5.16)`.
pub fn short_version(version: &str) -> &str {
    version.split(" on ").next().unwrap_or(version)
}

/// The JS callback that receives loading progress.
type ProgressCallback = Closure<dyn FnMut(JsValue)>;

/// Shared handle: cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Postgres {
    pub status: RwSignal<PgStatus>,
    loading: StoredValue<Option<Promise>, LocalStorage>,
    on_progress: StoredValue<Option<ProgressCallback>, LocalStorage>,
}

impl Postgres {
    pub fn new() -> Self {
        Postgres {
            status: RwSignal::new(PgStatus::Idle),
            loading: StoredValue::new_local(None),
            on_progress: StoredValue::new_local(None),
        }
    }

    /// The database, loading it first if needed. Concurrent callers wait for
    /// the same load; after a failure the next call tries again.
    pub async fn database(self) -> Result<Rc<Database>, DbError> {
        let promise = match self.loading.get_value() {
            Some(promise) => promise,
            None => self.start()?,
        };
        let result = Database::from_loading(&promise).await.map(Rc::new);
        if result.is_err() {
            self.loading.set_value(None);
        }
        result
    }

    fn start(self) -> Result<Promise, DbError> {
        let status = self.status;
        let on_progress = ProgressCallback::new(move |progress: JsValue| {
            if let Ok(progress) = serde_wasm_bindgen::from_value::<Progress>(progress) {
                status.set(PgStatus::Loading(progress));
            }
        });
        status.set(PgStatus::Loading(Progress::Download {
            loaded: 0.0,
            total: 0.0,
        }));
        let promise = match pglite::start_loading(on_progress.as_ref().unchecked_ref()) {
            Ok(promise) => promise,
            Err(error) => {
                status.set(PgStatus::Failed(error.to_string()));
                return Err(error);
            }
        };
        self.on_progress.set_value(Some(on_progress));
        self.loading.set_value(Some(promise.clone()));
        let watched = promise.clone();
        let this = self;
        spawn_local(async move {
            let outcome = Database::from_loading(&watched).await;
            this.status.set(match outcome {
                Ok(db) => PgStatus::Ready {
                    version: db.version.clone(),
                    boot_ms: db.boot_ms,
                },
                Err(error) => PgStatus::Failed(error.to_string()),
            });
            this.on_progress.set_value(None);
        });
        Ok(promise)
    }
}

impl Default for Postgres {
    fn default() -> Self {
        Self::new()
    }
}

/// The header badge.
#[component]
pub fn PgStatusBadge(postgres: Postgres) -> impl IntoView {
    let status = postgres.status;
    view! {
        <div
            class="pg-status"
            data-testid="pglite-status"
            data-state=move || status.with(PgStatus::state)
            role="status"
            aria-live="polite"
        >
            <span class="dot" aria-hidden="true"></span>
            <span>{move || status.with(PgStatus::describe)}</span>
            {move || {
                let idle = status.with(|s| matches!(s, PgStatus::Idle | PgStatus::Failed(_)));
                idle.then(|| view! {
                    <button
                        class="link"
                        on:click=move |_| spawn_local(async move {
                            let _ = postgres.database().await;
                        })
                    >
                        {move || if status.with(|s| matches!(s, PgStatus::Failed(_))) { "Retry" } else { "Start now" }}
                    </button>
                })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(PgStatus::Idle.state(), "idle");
        let loading = PgStatus::Loading(Progress::Download {
            loaded: 1_048_576.0,
            total: 4.0 * 1_048_576.0,
        });
        assert_eq!(
            loading.describe(),
            "Postgres: downloading 1.0 / 4.0 MB (25%)"
        );
        let ready = PgStatus::Ready {
            version: "PostgreSQL 18.6 (PGlite 0.5.16) on wasm32-unknown-emscripten, 32-bit".into(),
            boot_ms: 712.0,
        };
        assert_eq!(
            ready.describe(),
            "PostgreSQL 18.6 (PGlite 0.5.16) ready in 0.7 s"
        );
        assert_eq!(
            PgStatus::Failed("could not fetch /pglite.wasm: HTTP 404".into()).describe(),
            "Postgres failed to load: could not fetch /pglite.wasm: HTTP 404"
        );
    }
}
