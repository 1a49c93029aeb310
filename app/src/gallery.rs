//! The examples gallery: the seed's use cases and the dangerous classics,
//! each a whole page state opened in one click (the work it replaces is one
//! Undo away).

use leptos::prelude::*;
use retort_core::autogen::{ColumnFill, RenamedTable};
use retort_core::share::PageState;

use crate::lesson::LessonLinks;
use crate::persist::{self, Persist};
use crate::workspace::{DEFAULT_ROWS, POSTGRES_VERSIONS, Workspace};

const HEAD: &str = "import enum\n\nfrom sqlalchemy import BigInteger, Enum, ForeignKey, Integer, String, Text\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n";

const USER: &str = "\n\nclass User(Base):\n    __tablename__ = \"users\"\n\n    id: Mapped[int] = mapped_column(primary_key=True)\n    email: Mapped[str] = mapped_column(String(255))\n";

/// One example: its id (`data-example`), title, what it teaches, and the
/// models before and after with the choices that go with them.
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub teaches: &'static str,
    before: String,
    after: String,
    renames: Vec<RenamedTable>,
    backfills: Vec<ColumnFill>,
    focus: Option<&'static str>,
}

impl Example {
    pub fn state(&self) -> PageState {
        PageState {
            before: self.before.clone(),
            after: self.after.clone(),
            safe: true,
            table_renames: self.renames.clone(),
            backfills: self.backfills.clone(),
            postgres: POSTGRES_VERSIONS[0],
            rows: DEFAULT_ROWS,
            focus: self.focus.map(str::to_string),
            ..PageState::default()
        }
    }
}

fn model(tables: &str) -> String {
    format!("{HEAD}{tables}")
}

/// Every example, the seed's use cases first.
pub fn examples() -> Vec<Example> {
    let user_with = |line: &str| format!("{USER}    {line}\n");
    let plain = |id, title, teaches, before: String, after: String| Example {
        id,
        title,
        teaches,
        before,
        after,
        renames: Vec::new(),
        backfills: Vec::new(),
        focus: None,
    };
    let status = "\n\nclass Status(enum.Enum):\n    active = \"active\"\n    banned = \"banned\"\n";
    let order = |user_id: &str| {
        format!(
            "\n\nclass Order(Base):\n    __tablename__ = \"orders\"\n\n    id: Mapped[int] = mapped_column(primary_key=True)\n    total: Mapped[int] = mapped_column(Integer)\n{user_id}"
        )
    };
    vec![
        plain(
            "add-users-table",
            "Add a users table",
            "A new table: safe on any size of database, and its downgrade drops it.",
            model(""),
            model(USER),
        ),
        Example {
            backfills: vec![ColumnFill {
                table: "users".into(),
                column: "bio".into(),
                expression: "''".into(),
            }],
            ..plain(
                "not-null-backfill",
                "Make bio non-null, with a backfill",
                "The 3-step NOT NULL pattern: add it nullable, fill the rows, then SET NOT NULL.",
                model(USER),
                model(&user_with("bio: Mapped[str] = mapped_column(Text)")),
            )
        },
        plain(
            "index-concurrently",
            "Index email without blocking writes",
            "CREATE INDEX CONCURRENTLY, in an autocommit block: writes go on during the build.",
            model(USER),
            model(&USER.replace("String(255))", "String(255), index=True)")),
        ),
        Example {
            renames: vec![RenamedTable {
                schema: None,
                old: "user_accounts".into(),
                new: "users".into(),
            }],
            ..plain(
                "rename-table",
                "Rename user_accounts to users",
                "A rename, not a drop and a create: the rows stay. Deploy the code that reads both names first (expand), drop the old name later (contract).",
                model(&USER.replace("\"users\"", "\"user_accounts\"")),
                model(USER),
            )
        },
        Example {
            focus: Some("pane-simulate"),
            ..plain(
                "rollback",
                "Roll back a bad deployment",
                "Run upgrade head in Simulate, then downgrade -1: the column comes back, its values do not.",
                model(&user_with(
                    "legacy_flag: Mapped[str] = mapped_column(String(20), nullable=True)",
                )),
                model(USER),
            )
        },
        plain(
            "type-rewrite",
            "A type change that rewrites the table",
            "INTEGER to BIGINT rewrites every row under ACCESS EXCLUSIVE.",
            model(&order("")),
            model(&order("").replace(
                "total: Mapped[int] = mapped_column(Integer)",
                "total: Mapped[int] = mapped_column(BigInteger)",
            )),
        ),
        plain(
            "foreign-key",
            "A foreign key that validates",
            "ADD FOREIGN KEY scans the table and locks both; NOT VALID, then VALIDATE, does not block writes.",
            model(&format!(
                "{USER}{}",
                order("    user_id: Mapped[int] = mapped_column(Integer, nullable=True)\n")
            )),
            model(&format!(
                "{USER}{}",
                order(
                    "    user_id: Mapped[int] = mapped_column(ForeignKey(\"users.id\"), nullable=True)\n"
                )
            )),
        ),
        plain(
            "enum-value",
            "An enum value",
            "ALTER TYPE … ADD VALUE; the downgrade recreates the type, and refuses if rows use the value.",
            model(&format!(
                "{status}{}",
                user_with("status: Mapped[Status] = mapped_column(Enum(Status), nullable=True)")
            )),
            model(&format!(
                "{}{}",
                status.replace(
                    "    banned = \"banned\"\n",
                    "    banned = \"banned\"\n    suspended = \"suspended\"\n"
                ),
                user_with("status: Mapped[Status] = mapped_column(Enum(Status), nullable=True)")
            )),
        ),
        plain(
            "unique-big-table",
            "A unique constraint on a big table",
            "ADD UNIQUE builds its index under a lock that blocks writes; build the index CONCURRENTLY first.",
            model(USER),
            model(&USER.replace("String(255))", "String(255), unique=True)")),
        ),
    ]
}

#[component]
pub fn Gallery(workspace: Workspace, persist: Persist) -> impl IntoView {
    let items = examples()
        .into_iter()
        .map(|example| {
            let state = example.state();
            let open = move |_| {
                persist::keep_for_undo(persist, &workspace.snapshot_untracked());
                workspace.restore(state.clone());
                persist.message.set(Some(
                    "Opened the example. Undo brings your earlier work back.".into(),
                ));
            };
            view! {
                <li>
                    <button type="button" class="gallery-item" data-testid="gallery-item"
                        data-example=example.id title=example.teaches on:click=open>
                        {example.title}
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="gallery" aria-label="Examples">
            <span class="muted">"Examples:"</span>
            <ul>{items}</ul>
            <span class="muted">"Learn:"</span>
            <ul><LessonLinks workspace=workspace /></ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_changes_the_model_and_has_its_own_id() {
        let all = examples();
        for example in &all {
            assert_ne!(example.before, example.after, "{}", example.id);
            assert_eq!(all.iter().filter(|e| e.id == example.id).count(), 1);
        }
        assert_eq!(all.len(), 9);
    }
}
