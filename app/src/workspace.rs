//! The playground's state that a share link and the autosave hold, as the
//! signals the panes share, and its conversion to and from
//! [`retort_core::share::PageState`].

use leptos::prelude::*;
use retort_core::autogen::Choices;
use retort_core::share::PageState;

use crate::revision::RevisionText;

/// The PostgreSQL versions the review can judge for, newest first (the
/// worker's `lint::OLDEST_POSTGRES` ..= `NEWEST_POSTGRES`; the page's own
/// wasm is built without the linter).
pub const POSTGRES_VERSIONS: [u32; 9] = [18, 17, 16, 15, 14, 13, 12, 11, 10];

/// Seed rows per table when a link does not say.
pub const DEFAULT_ROWS: u32 = 100;

/// The panes, by test id: what `focus` and an embed's `panes` name.
pub const PANES: [&str; 7] = [
    "pane-before",
    "pane-after",
    "pane-revision",
    "pane-sql",
    "pane-review",
    "pane-history",
    "pane-simulate",
];

/// The state behind the page, one signal per part.
#[derive(Clone, Copy)]
pub struct Workspace {
    pub before: RwSignal<String>,
    pub after: RwSignal<String>,
    pub revision: RevisionText,
    pub choices: RwSignal<Choices>,
    pub postgres: RwSignal<u32>,
    pub rows: RwSignal<u32>,
    pub per_migration: RwSignal<bool>,
    pub seed: RwSignal<String>,
    /// The seed was typed by the user (else it follows the before model).
    pub seed_edited: RwSignal<bool>,
    /// The pane the user last worked in.
    pub focus: RwSignal<Option<String>>,
    /// A lesson and its step.
    pub lesson: RwSignal<Option<(String, u32)>>,
    /// An edited revision from a restored state: it replaces the next
    /// revision written from the models, which would overwrite it.
    pub pending_revision: StoredValue<Option<String>>,
}

impl Workspace {
    pub fn new(state: PageState) -> Self {
        let workspace = Workspace {
            before: RwSignal::new(String::new()),
            after: RwSignal::new(String::new()),
            revision: RevisionText::new(),
            choices: RwSignal::new(Choices::default()),
            postgres: RwSignal::new(POSTGRES_VERSIONS[0]),
            rows: RwSignal::new(DEFAULT_ROWS),
            per_migration: RwSignal::new(false),
            seed: RwSignal::new(String::new()),
            seed_edited: RwSignal::new(false),
            focus: RwSignal::new(None),
            lesson: RwSignal::new(None),
            pending_revision: StoredValue::new(None),
        };
        workspace.restore(state);
        workspace
    }

    /// The state as it stands (tracked: an effect that calls it reruns on
    /// every change).
    pub fn snapshot(&self) -> PageState {
        let choices = self.choices.get();
        let revision = self.revision.text.get();
        let edited = self.revision.origin.with(|o| match o {
            Some((_, written)) => *written != revision,
            None => false,
        });
        // An edited revision not yet put back in the editor is still the
        // state.
        let revision = match self.pending_revision.get_value() {
            Some(pending) => Some(pending),
            None => edited.then_some(revision),
        };
        PageState {
            before: self.before.get(),
            after: self.after.get(),
            revision,
            safe: choices.safe,
            batch: choices.batch,
            renames: choices.renames,
            table_renames: choices.table_renames,
            backfills: choices.backfills,
            postgres: self.postgres.get(),
            rows: self.rows.get(),
            per_migration: self.per_migration.get(),
            seed: self.seed_edited.get().then(|| self.seed.get()),
            focus: self.focus.get(),
            lesson: self.lesson.get(),
        }
    }

    /// The state as it stands, not tracked.
    pub fn snapshot_untracked(&self) -> PageState {
        untrack(|| self.snapshot())
    }

    /// Puts `state` on the page. Values the page cannot show (a PostgreSQL
    /// version it does not judge for, an unknown pane) fall back to the
    /// defaults.
    pub fn restore(&self, state: PageState) {
        let state = sanitized(state);
        self.before.set(state.before);
        self.after.set(state.after);
        self.pending_revision.set_value(state.revision);
        self.choices.set(Choices {
            safe: state.safe,
            batch: state.batch,
            renames: state.renames,
            table_renames: state.table_renames,
            backfills: state.backfills,
        });
        self.postgres.set(state.postgres);
        self.rows.set(state.rows);
        self.per_migration.set(state.per_migration);
        self.seed_edited.set(state.seed.is_some());
        self.seed.set(state.seed.unwrap_or_default());
        self.focus.set(state.focus);
        self.lesson.set(state.lesson);
    }
}

/// `state` with what the page cannot show replaced by defaults.
pub fn sanitized(mut state: PageState) -> PageState {
    if !POSTGRES_VERSIONS.contains(&state.postgres) {
        state.postgres = POSTGRES_VERSIONS[0];
    }
    state.rows = state.rows.min(retort_core::rehearse::seed::MAX_ROWS);
    if state.focus.as_deref().is_some_and(|f| !PANES.contains(&f)) {
        state.focus = None;
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_the_page_cannot_show_fall_back() {
        let state = sanitized(PageState {
            postgres: 9,
            rows: u32::MAX,
            focus: Some("javascript:alert(1)".into()),
            ..PageState::default()
        });
        assert_eq!(state.postgres, POSTGRES_VERSIONS[0]);
        assert_eq!(state.rows, retort_core::rehearse::seed::MAX_ROWS);
        assert_eq!(state.focus, None);
        let kept = sanitized(PageState {
            postgres: 12,
            rows: 5,
            focus: Some("pane-sql".into()),
            ..PageState::default()
        });
        assert_eq!(
            (kept.postgres, kept.rows, kept.focus.as_deref()),
            (12, 5, Some("pane-sql"))
        );
    }
}
