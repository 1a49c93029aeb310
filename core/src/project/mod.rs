//! A real Alembic project, read without running Python or connecting to a
//! database: its configuration (`alembic.ini`, `[tool.alembic]`), what its
//! `env.py` hands Alembic (the `target_metadata`, followed to the model
//! modules, and the `context.configure` options), and `alembic check`
//! answered from the revisions replayed to head ([`crate::rehearse::schema_at`]).
//!
//! Finding files is the caller's: the CLI walks the disk, a test or the
//! playground gives a [`crate::python::FileSet`].

pub mod check;
pub mod config;
pub mod env;
pub mod filter;
pub mod template;
