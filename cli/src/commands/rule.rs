//! `retort rule`: a rule's explanation, or the list of rules.

use crate::out::{out, outln};
use std::process::ExitCode;

use retort_core::lint::rules::{self, RULES, severity_name};

#[derive(Debug, clap::Args)]
pub struct Args {
    id: Option<String>,
    #[arg(long)]
    all: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let id = match args.id.as_deref() {
        Some(id) if !args.all => id,
        _ => {
            for r in RULES {
                outln!(
                    "{:<38} {:<8} {}",
                    r.id,
                    severity_name(r.severity),
                    r.summary
                );
            }
            return ExitCode::SUCCESS;
        }
    };
    match rules::rule(id) {
        Some(r) => {
            outln!("{} ({})\n\n{}", r.id, severity_name(r.severity), r.summary);
            out!("{}", rules::explain(r, "", false));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("{}", rules::unknown(id));
            ExitCode::from(2)
        }
    }
}
