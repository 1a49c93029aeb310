//! retort's analysis core.
//!
//! Everything here takes text and returns values: no IO and no JavaScript.
//! That is what lets the same code run in the `retort` command, in the
//! browser playground (compiled to wasm) and in tests. Threads only with
//! the `threads` feature (on by default, and in the `retort` command): then
//! [`par`] shares a long script's reading, the rules and the JSON output
//! over the cores. The playground builds core without it, as one thread,
//! and the same calls run their parts in turn.
//!
//! The modules are layered, bottom to top, and none uses one above it
//! (`tests/tidy.rs` checks it): text and quoting (`text`, `diagnostic`,
//! `quote`, `naming`, `hash`, `par`, `pg_lock`, `zip`) → `schema` → `op` → the readers
//! (`python`, `sql`, `revision`, `graph`, `input`) → `diff` → `render` →
//! `lint` → `report`, `autogen`, `rehearse`, `project`, `protocol` and
//! `share`.
//!
//! Readers never panic and never give up: they return what they could read
//! together with [`Diagnostic`]s carrying byte [`Span`]s. Positions are kept
//! as byte offsets inside the core; [`text::LineIndex`] is the one place that
//! converts them to lines and columns (CLI) or UTF-16 offsets (the editor).
#![forbid(unsafe_code)]

pub mod autogen;
pub mod diagnostic;
#[cfg(feature = "sql")]
pub mod diff;
pub mod graph;
pub mod hash;
pub mod input;
#[cfg(feature = "sql")]
pub mod lint;
pub mod naming;
#[cfg(feature = "sql")]
pub mod op;
pub mod par;
pub mod pg_lock;
#[cfg(feature = "sql")]
pub mod project;
pub mod protocol;
pub mod python;
pub mod quote;
pub mod rehearse;
#[cfg(feature = "sql")]
pub mod render;
pub mod report;
#[cfg(feature = "sql")]
pub mod revision;
pub mod schema;
pub mod share;
#[cfg(feature = "sql")]
pub mod sql;
pub mod text;
pub mod zip;

pub use diagnostic::{Applicability, Diagnostic, Severity};
pub use schema::Schema;
pub use text::{LineCol, LineIndex, Span};

// Under `cargo xtask test`, core's tests also run as wasm in headless Chromium.
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
