//! The Revision pane: the Alembic revision for the change between the two
//! model panes, written by the analysis worker as you type, with what the
//! user decides: safe mode, which look-alike drop + add pairs are renames,
//! and how new NOT NULL columns are backfilled. The revision is editable (a
//! hand-written revision can be pasted, or one opened from the History
//! pane): the Review and SQL panes follow its text.

use leptos::prelude::*;

use retort_core::Span;

use retort_core::autogen::{ColumnFill, RenamedColumn, RenamedTable};

use crate::analysis::{self, Choices, ModelFolder, ModelInput};
use crate::editor::{CodeEditor, Language, Underline};

/// Where the Revision pane's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written from the two model panes.
    Models { errors: usize, safe: bool },
    /// A file opened from the History pane (its path).
    File(String),
}

/// What the line above the revision says, `edited` once the text differs
/// from what was written or opened.
pub fn origin_line(origin: &Origin, edited: bool) -> String {
    let base = match origin {
        Origin::Models { errors, safe } => status_line(*errors, *safe),
        Origin::File(path) => format!("{path}, opened from the History pane"),
    };
    if edited {
        format!("{base} — edited: the review and the SQL follow your text")
    } else {
        base
    }
}

/// What the line above the revision says.
pub fn status_line(errors: usize, safe: bool) -> String {
    let mode = if safe {
        "safe mode: retort's additions are marked # retort:"
    } else {
        "as Alembic writes it"
    };
    match errors {
        0 => mode.to_string(),
        1 => format!("{mode} — 1 error in the models (see their panes)"),
        n => format!("{mode} — {n} errors in the models (see their panes)"),
    }
}

/// `choices` with `item` in or out of `list`.
fn toggle<T: PartialEq + Clone>(list: &mut Vec<T>, item: &T, on: bool) {
    list.retain(|i| i != item);
    if on {
        list.push(item.clone());
    }
}

/// The PostgreSQL of the current revision(s), shared with the SQL pane.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RevisionSql {
    pub upgrade: String,
    pub downgrade: String,
    pub errors: Vec<String>,
}

/// A checkbox per suggested rename (of columns, or of tables), ticked when
/// the user accepted it: `list` picks the choices' list of that kind.
fn rename_choices<T>(
    items: Vec<T>,
    choices: RwSignal<Choices>,
    test_id: &'static str,
    list: fn(&mut Choices) -> &mut Vec<T>,
    label: fn(&T) -> String,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    items
        .into_iter()
        .map(|item| {
            let text = label(&item);
            let checked = {
                let item = item.clone();
                move || {
                    let mut current = choices.get();
                    list(&mut current).contains(&item)
                }
            };
            view! {
                <label class="choice" data-testid=test_id>
                    <input
                        type="checkbox"
                        prop:checked=checked
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            choices.update(|c| toggle(list(c), &item, on));
                        }
                    />
                    {text}
                </label>
            }
        })
        .collect_view()
}

/// The Revision pane's text and what is known about it, shared with the
/// Review, SQL and History panes.
#[derive(Debug, Clone, Copy)]
pub struct RevisionText {
    /// What the editor holds (the user may edit it).
    pub text: RwSignal<String>,
    /// Where it came from, and the text as it came.
    pub origin: RwSignal<Option<(Origin, String)>>,
    /// The span the editor selects next (findings clicked in the review).
    pub focus: RwSignal<(Span, u32)>,
}

impl RevisionText {
    pub fn new() -> Self {
        RevisionText {
            text: RwSignal::new(String::new()),
            origin: RwSignal::new(None),
            focus: RwSignal::new((Span::default(), 0)),
        }
    }

    /// Puts `text` in the editor, from `origin`.
    pub fn open(&self, origin: Origin, text: String) {
        self.origin.set(Some((origin, text.clone())));
        self.text.set(text);
    }

    /// Selects `span` in the editor.
    pub fn show(&self, span: Span) {
        self.focus.update(|(s, n)| {
            *s = span;
            *n = n.wrapping_add(1);
        });
    }
}

impl Default for RevisionText {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn RevisionPane(
    before: RwSignal<String>,
    after: RwSignal<String>,
    /// The folders the model panes were opened from, if any.
    before_folder: RwSignal<Option<ModelFolder>>,
    after_folder: RwSignal<Option<ModelFolder>>,
    revision: RevisionText,
    /// Safe mode, renames and backfills, as the user chose them.
    choices: RwSignal<Choices>,
    /// An edited revision from a restored state, put in place of the next
    /// one written.
    pending: StoredValue<Option<String>>,
    /// The review's findings and the reader's problems, drawn in the editor.
    #[prop(into)]
    underlines: Signal<Vec<Underline>>,
) -> impl IntoView {
    let origin = revision.origin;
    let status = move || {
        origin.with(|o| match o {
            None => "writing the revision…".to_string(),
            Some((origin, written)) => origin_line(origin, revision.text.with(|t| t != written)),
        })
    };
    let error = RwSignal::new(None::<String>);
    let renames = RwSignal::new(Vec::<RenamedColumn>::new());
    let table_renames = RwSignal::new(Vec::<RenamedTable>::new());
    let backfills = RwSignal::new(Vec::<ColumnFill>::new());
    let warnings = RwSignal::new(Vec::<String>::new());
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        let current = choices.get();
        let side = |text: RwSignal<String>, folder: RwSignal<Option<ModelFolder>>| ModelInput {
            text: text.get(),
            folder: folder.get(),
        };
        let (b, a) = (side(before, before_folder), side(after, after_folder));
        let id = {
            let safe = current.safe;
            analysis::revision(b, a, &current, move |reply| match reply {
                Ok((id, reply)) if id == latest.get_value() => {
                    error.set(None);
                    revision.open(
                        Origin::Models {
                            errors: reply.errors,
                            safe,
                        },
                        reply.revision,
                    );
                    let mut edited = None;
                    pending.update_value(|p| edited = p.take());
                    if let Some(edited) = edited {
                        revision.text.set(edited);
                    }
                    renames.set(reply.renames);
                    table_renames.set(reply.table_renames);
                    backfills.set(reply.backfills);
                    warnings.set(reply.warnings);
                }
                Ok(_) => {} // for older text
                Err(message) => error.set(Some(message)),
            })
        };
        latest.set_value(id);
    });
    let rename_list = move || {
        rename_choices(
            renames.get(),
            choices,
            "rename-choice",
            |c| &mut c.renames,
            |r| format!(" {}.{} → {} is a rename", r.table, r.old, r.new),
        )
    };
    let table_rename_list = move || {
        rename_choices(
            table_renames.get(),
            choices,
            "table-rename-choice",
            |c| &mut c.table_renames,
            |t| {
                let prefix = t
                    .schema
                    .as_ref()
                    .map(|s| format!("{s}."))
                    .unwrap_or_default();
                format!(" table {prefix}{} → {} is a rename", t.old, t.new)
            },
        )
    };
    let backfill_list = move || {
        backfills
            .get()
            .into_iter()
            .map(|ColumnFill { table, column, expression }| {
                let label = format!("fill existing {table}.{column} with ");
                view! {
                    <label class="choice" data-testid="backfill-choice">
                        {label}
                        <input
                            type="text"
                            prop:value=expression
                            spellcheck="false"
                            on:change=move |event| {
                                let value = event_target_value(&event);
                                choices.update(|c| {
                                    c.backfills.retain(|b| b.table != table || b.column != column);
                                    if !value.trim().is_empty() {
                                        c.backfills.push(ColumnFill {
                                            table: table.clone(),
                                            column: column.clone(),
                                            expression: value,
                                        });
                                    }
                                });
                            }
                        />
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <div class="revision-controls">
            <label>
                <input
                    type="checkbox"
                    data-testid="safe-mode"
                    prop:checked=move || choices.with(|c| c.safe)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        choices.update(|c| c.safe = on);
                    }
                />
                " safe mode"
            </label>
            <span class="muted" data-testid="revision-status">
                {move || error.get().unwrap_or_else(status)}
            </span>
        </div>
        <ul class="revision-warnings" data-testid="revision-warnings">
            {move || {
                warnings
                    .get()
                    .into_iter()
                    .map(|w| view! { <li class="warning">{w}</li> })
                    .collect_view()
            }}
        </ul>
        <div class="revision-choices">{table_rename_list}{rename_list}{backfill_list}</div>
        <CodeEditor
            language=Language::Python
            text=revision.text
            test_id="editor-revision"
            label="The Alembic revision"
            underlines=underlines
            focus=revision.focus
            language_of=Signal::derive(move || {
                if revision.text.with(|t| retort_core::input::looks_like_sql(t)) {
                    Language::Sql
                } else {
                    Language::Python
                }
            })
        />
    }
}

/// The SQL pane: what `alembic upgrade --sql` or `alembic downgrade --sql`
/// prints for the revision(s) in the Revision pane.
#[component]
pub fn SqlPane(sql: RwSignal<RevisionSql>) -> impl IntoView {
    let downgrade = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    Effect::new(move |_| {
        let down = downgrade.get();
        sql.with(|s| {
            text.set(if down {
                s.downgrade.clone()
            } else {
                s.upgrade.clone()
            })
        });
    });
    let direction = move |label: &'static str, down: bool, id: &'static str| {
        view! {
            <label>
                <input
                    type="radio"
                    name="sql-direction"
                    data-testid=id
                    prop:checked=move || downgrade.get() == down
                    on:change=move |_| downgrade.set(down)
                />
                {label}
            </label>
        }
    };
    view! {
        <div class="revision-controls">
            {direction(" upgrade", false, "sql-upgrade")}
            {direction(" downgrade", true, "sql-downgrade")}
        </div>
        <ul class="revision-warnings" data-testid="sql-errors">
            {move || {
                sql.with(|s| {
                    s.errors
                        .iter()
                        .map(|e| view! { <li class="warning">{e.clone()}</li> })
                        .collect_view()
                })
            }}
        </ul>
        <CodeEditor
            language=Language::Sql
            text=text
            test_id="editor-sql"
            label="The PostgreSQL the revision runs"
            read_only=true
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_says_the_mode_and_the_errors() {
        assert_eq!(status_line(0, false), "as Alembic writes it");
        assert!(status_line(2, true).ends_with("2 errors in the models (see their panes)"));
    }

    #[test]
    fn the_origin_line_says_where_the_text_came_from() {
        let file = Origin::File("versions/ae10_add_plan.py".into());
        assert_eq!(
            origin_line(&file, false),
            "versions/ae10_add_plan.py, opened from the History pane"
        );
        assert!(
            origin_line(
                &Origin::Models {
                    errors: 0,
                    safe: false
                },
                true
            )
            .starts_with("as Alembic writes it — edited")
        );
    }

    #[test]
    fn toggling_adds_once_and_removes() {
        let item = ["users".to_string(), "bio".to_string(), "about".to_string()];
        let mut list = Vec::new();
        toggle(&mut list, &item, true);
        toggle(&mut list, &item, true);
        assert_eq!(list.len(), 1);
        toggle(&mut list, &item, false);
        assert!(list.is_empty());
    }
}
