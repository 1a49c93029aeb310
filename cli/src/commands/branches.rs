//! `retort branches`: each branch point and where it leads, as `alembic
//! branches` prints them.

use crate::out::outln;
use std::process::ExitCode;

use retort_core::graph::Line;

use crate::files::exit;
use crate::versions::{FolderArgs, open};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    folder: FolderArgs,
}

/// `alembic branches`.
pub fn run(args: &Args) -> ExitCode {
    let (folder, failed) = match open(&args.folder) {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    let graph = &folder.graph;
    for i in graph.history() {
        if !graph.is_branch_point(i) {
            continue;
        }
        outln!(
            "{}",
            graph.line(
                i,
                Line {
                    tree: true,
                    ..Line::default()
                },
                &[]
            )
        );
        let pad = " ".repeat(graph.node(i).id.len());
        for child in graph.children(i) {
            if let Some(c) = graph.find(child) {
                outln!(
                    "{pad} -> {}",
                    graph.line(
                        c,
                        Line {
                            tree: true,
                            ..Line::default()
                        },
                        &[]
                    )
                );
            }
        }
        outln!();
    }
    exit(failed)
}
