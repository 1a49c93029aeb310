//! One module per subcommand: its clap `Args` and the `run` that takes
//! them whole.

pub mod about;
pub mod autogenerate;
pub mod branches;
pub mod check;
pub mod checklist;
pub mod heads;
pub mod history;
pub mod lint;
pub mod offline;
pub mod rehearse;
pub mod revision;
pub mod rule;
pub mod schema;
pub mod show;
pub mod sql;
