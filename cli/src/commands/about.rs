//! `retort about`: where the playground, documentation and sources are.

use std::process::ExitCode;

use crate::out::outln;

pub fn run() -> ExitCode {
    outln!(
        "retort {}: review and rehearse Alembic migrations.\n\
         Playground: run `cargo xtask serve` in a checkout and open the printed URL.\n\
         Sources: {}",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_REPOSITORY")
    );
    ExitCode::SUCCESS
}
