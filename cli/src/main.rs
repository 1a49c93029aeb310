//! The `retort` command.
//!
//! Exit codes: 0 success, 2 bad usage (clap's own code for usage errors).
//! Subcommands arrive with the core features they expose (`revision`,
//! `sql`, `history`, `lint`, …); this file only wires them to the core.

use clap::Parser;

/// Review and rehearse Alembic migrations: see the revision Alembic would
/// write, the PostgreSQL it runs, and what is dangerous about it.
#[derive(Debug, Parser)]
#[command(name = "retort", version, about, long_about = None)]
#[command(arg_required_else_help = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Print where retort's playground, documentation and sources are.
    About,
}

fn main() {
    let cli = Cli::parse();
    match cli.command {
        Command::About => {
            println!(
                "retort {}: review and rehearse Alembic migrations.\n\
                 Playground: run `cargo xtask serve` in a checkout and open the printed URL.\n\
                 Sources: {}",
                env!("CARGO_PKG_VERSION"),
                env!("CARGO_PKG_REPOSITORY")
            );
        }
    }
}
