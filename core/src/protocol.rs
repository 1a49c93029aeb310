//! The messages between the playground's page and its analysis worker.
//!
//! The page posts a [`ToWorker`] (an id and a [`Request`]); the worker
//! answers each, in order, with a [`FromWorker::Reply`] carrying the same
//! id and the matching [`Reply`], after saying [`FromWorker::Ready`] once
//! when it can take requests. Both sides send these types with
//! serde-wasm-bindgen, so the types are the protocol: there is no other
//! description of it to keep in step. Byte offsets in replies are into the
//! text the request sent. The enums are serde's default, externally tagged
//! (`{"Read": {...}}`): an internally tagged one is read through serde's
//! buffering of the whole value, which cost the page's wasm more bytes. No feature gate: the page, built without the
//! SQL reader, uses these types too.

use serde::{Deserialize, Serialize};

use crate::autogen::{Choices, ColumnFill, RenamedColumn, RenamedTable};
use crate::diagnostic::Diagnostic;
use crate::rehearse::{Plan, RunOptions, TimelineRow};
use crate::report::Review;

/// A request, with the id its reply will carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToWorker {
    pub id: u64,
    pub request: Request,
}

/// What the worker posts.
// `Ready` is posted once per worker; every other message is a reply,
// built once and serialised at once: boxing it would only add a
// dereference.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// Once, when its wasm runs: requests posted before would reach no
    /// handler.
    Ready,
    /// The answer to request `id`.
    Reply { id: u64, reply: Reply },
}

/// One side of a change, as its pane holds it: the text in the editor, and
/// the folder it was opened from, if any (its imports are followed there).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInput {
    pub text: String,
    pub folder: Option<ModelFolder>,
}

/// A folder of model modules: the path of the file in the editor, and the
/// other files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFolder {
    pub entry: String,
    pub files: Vec<SourceFile>,
}

#[cfg(feature = "sql")]
impl ModelInput {
    /// The schema this side describes, and its text's diagnostics.
    pub fn read(&self) -> (crate::schema::Schema, Vec<crate::Diagnostic>) {
        let read = self.read_in_folder();
        (read.schema, read.diagnostics)
    }

    /// [`Self::read`], with the other modules of its folder.
    pub fn read_in_folder(&self) -> crate::input::FolderRead {
        match &self.folder {
            Some(folder) if !crate::input::looks_like_sql(&self.text) => {
                crate::input::read_model_in_folder(
                    &self.text,
                    &folder.entry,
                    folder
                        .files
                        .iter()
                        .map(|f| (f.path.clone(), f.text.clone())),
                )
            }
            _ => {
                let (schema, diagnostics) = crate::input::read_schema(&self.text);
                crate::input::FolderRead {
                    schema,
                    diagnostics,
                    elsewhere: Vec::new(),
                    modules: 1,
                }
            }
        }
    }
}

/// A file of a folder the user dropped: its path in the folder, its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Which fix a review applies before it reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FixRequest {
    None,
    /// The fix of this finding: its index in the review of the same text,
    /// with its rule and where it starts (nothing is applied when the text
    /// changed under it and that index is another finding now).
    Finding {
        index: usize,
        rule: String,
        at: usize,
    },
    /// Every safe fix, or every safe and unsafe one.
    All {
        unsafe_too: bool,
    },
}

/// What the page asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// A model pane's text that the page does not read itself — SQL DDL,
    /// or a model file in its folder: [`Reply::Read`].
    Read { input: ModelInput },
    /// The revision(s) from `before` to `after` (each a model file or SQL
    /// DDL) as the user chose: [`Reply::Revision`].
    Revision {
        before: ModelInput,
        after: ModelInput,
        choices: Choices,
    },
    /// The Revision pane's text (one revision or a chain) reviewed for
    /// PostgreSQL `postgres`, after `fix`: [`Reply::Review`].
    Review {
        text: String,
        postgres: u32,
        fix: FixRequest,
    },
    /// A versions folder's graph, with `current` (an identifier, or empty)
    /// marked: [`Reply::History`].
    History {
        files: Vec<SourceFile>,
        current: String,
    },
    /// The PostgreSQL `alembic upgrade target --sql` prints from an empty
    /// database: [`Reply::Path`].
    Path {
        files: Vec<SourceFile>,
        target: String,
    },
    /// An Alembic command planned against a database whose
    /// `alembic_version` holds `current`: [`Reply::Rehearsal`]. An empty
    /// `command` plans nothing and gives the timeline.
    Rehearse {
        revisions: Revisions,
        current: Vec<String>,
        command: String,
        options: RunOptions,
    },
    /// What a rehearsal starts from: the schema of `input` (none: an empty
    /// database) and `rows` seed rows per table: [`Reply::Base`].
    Base {
        input: Option<ModelInput>,
        rows: u32,
    },
    /// A database's schema, as `rehearse::CATALOGUE_DDL` writes it,
    /// compared with a model or another database: [`Reply::Compare`].
    Compare {
        database: String,
        target: CompareTarget,
    },
    /// The `.py` files of a zip archive: [`Reply::Unzip`].
    Unzip {
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    },
}

/// What the worker answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Read(PaneRead),
    Revision(RevisionPlan),
    Review(ReviewOutcome),
    History(HistoryPicture),
    Path(PathSql),
    Unzip(Unzipped),
    Rehearsal(Rehearsal),
    Base(BaseState),
    Compare(Comparison),
    /// The request could not be decoded (a page and a worker of different
    /// builds).
    Refused {
        message: String,
    },
}

/// A model pane's text, read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaneRead {
    pub tables: usize,
    pub outline: String,
    /// The diagnostics of the text itself.
    pub diagnostics: Vec<Diagnostic>,
    /// How many modules were read (more than one in a folder).
    pub modules: usize,
    /// Problems in the other modules read, as `path: message`.
    pub elsewhere: Vec<String>,
}

/// The revision text for a pair of models, and what the user may decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionPlan {
    /// One revision, or a chain of them cut by separator lines.
    pub revision: String,
    /// Errors in either model (the revision is still written).
    pub errors: usize,
    /// Drop + add pairs that look like renames.
    pub renames: Vec<RenamedColumn>,
    /// Dropped + created tables that look like renames.
    pub table_renames: Vec<RenamedTable>,
    /// New `NOT NULL` columns the safe revision backfills, and with what.
    pub backfills: Vec<ColumnFill>,
    /// What the revision cannot do on its own (foreign keys in a cycle).
    pub warnings: Vec<String>,
}

/// The Revision pane's text reviewed, after the fix asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// The text after the fix(es), when one applied.
    pub fixed: Option<String>,
    pub applied: usize,
    pub review: Review,
}

/// A versions folder's graph as a picture, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPicture {
    pub svg: String,
    pub revisions: usize,
    pub problems: Vec<String>,
}

/// The PostgreSQL from the base up to one revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathSql {
    pub sql: String,
    /// The revisions run, in order.
    pub revisions: Vec<String>,
    pub problems: Vec<String>,
    /// The target revision's file (to open in the Revision pane).
    pub file: Option<SourceFile>,
    /// The schema the revisions build up to the target, replayed with no
    /// database (`retort schema --at`), as an outline.
    #[serde(default)]
    pub schema: String,
    /// What the replay could not run, as `file:line: why`.
    #[serde(default)]
    pub not_replayed: Vec<String>,
}

/// What a database is compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareTarget {
    /// A model (the after model: `alembic check`).
    Model(ModelInput),
    /// The same database at another moment (its catalogue DDL).
    Database(String),
}

/// The ops that would take the database to the target: none, they match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub ops: Vec<String>,
    /// Tables in the database.
    pub tables: usize,
    /// Errors reading either side.
    pub errors: usize,
}

/// Where a rehearsal's revisions come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Revisions {
    /// The Revision pane's text: one revision, or a chain.
    Text(String),
    /// A `versions/` folder's files.
    Files(Vec<SourceFile>),
}

/// A command, planned, and where the database stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rehearsal {
    pub plan: Plan,
    /// The revisions newest first, the current ones marked.
    pub timeline: Vec<TimelineRow>,
    /// Revisions left out, graph errors.
    pub problems: Vec<String>,
}

/// A rehearsal's start: the DDL of the schema, and the seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaseState {
    /// One statement each.
    pub ddl: Vec<String>,
    /// The seed rows' SQL (the user may edit it).
    pub seed: String,
    pub tables: usize,
    /// Errors in the model read.
    pub errors: usize,
}

/// The `.py` files of a zip archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unzipped {
    pub files: Vec<SourceFile>,
    /// `.py` entries that are not UTF-8 (left out).
    pub skipped: Vec<String>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// Every message survives a round trip through its serialised form
    /// (JSON here; serde-wasm-bindgen in the page uses the same shape).
    #[test]
    fn messages_read_back_as_sent() {
        let requests = [
            Request::Read {
                input: ModelInput {
                    text: "CREATE TABLE t ();".into(),
                    folder: None,
                },
            },
            Request::Revision {
                before: ModelInput {
                    text: "a".into(),
                    folder: None,
                },
                after: ModelInput {
                    text: "b".into(),
                    folder: Some(ModelFolder {
                        entry: "m/b.py".into(),
                        files: vec![SourceFile {
                            path: "m/__init__.py".into(),
                            text: String::new(),
                        }],
                    }),
                },
                choices: Choices {
                    renames: vec![RenamedColumn {
                        table: "t".into(),
                        old: "a".into(),
                        new: "b".into(),
                    }],
                    table_renames: vec![RenamedTable {
                        schema: None,
                        old: "u".into(),
                        new: "v".into(),
                    }],
                    ..Choices::default()
                },
            },
            Request::Review {
                text: "x".into(),
                postgres: 16,
                fix: FixRequest::Finding {
                    index: 1,
                    rule: "r".into(),
                    at: 3,
                },
            },
            Request::Review {
                text: "x".into(),
                postgres: 16,
                fix: FixRequest::All { unsafe_too: true },
            },
            Request::Unzip {
                bytes: vec![0, 1, 255],
            },
        ];
        for request in requests {
            let message = ToWorker { id: 7, request };
            let json = serde_json::to_string(&message).expect("serialises");
            let back: ToWorker = serde_json::from_str(&json).expect("reads back");
            assert_eq!(back, message, "{json}");
        }
        let reply = FromWorker::Reply {
            id: 3,
            reply: Reply::Path(PathSql {
                sql: "BEGIN;".into(),
                revisions: vec!["a".into()],
                problems: Vec::new(),
                file: Some(SourceFile {
                    path: "a.py".into(),
                    text: "x".into(),
                }),
                schema: "t\n  id INTEGER NOT NULL PK\n".into(),
                not_replayed: vec!["a.py:3: not read".into()],
            }),
        };
        let json = serde_json::to_string(&reply).expect("serialises");
        assert_eq!(serde_json::from_str::<FromWorker>(&json).ok(), Some(reply));
        let ready = serde_json::to_string(&FromWorker::Ready).expect("serialises");
        assert_eq!(ready, r#""Ready""#);
    }
}
