//! `alembic upgrade TARGET --sql` and `alembic downgrade FROM:TO --sql`:
//! the revisions the command would run, planned as the rehearsal plans
//! them from the start revision (none: an empty database), written as one
//! offline script.

use super::{AlembicCommand, Chain, RunOptions, plan};
use crate::render::script::{Direction, OfflineScript, ScriptRevision, script};

/// The offline script of `upgrade TARGET` (or `downgrade FROM:TO`); or
/// Alembic's error.
pub fn offline_script(chain: &Chain, upgrade: bool, target: &str) -> Result<OfflineScript, String> {
    let (start, destination) = match target.split_once(':') {
        Some((start, destination)) => (Some(start), destination),
        None if !upgrade => {
            return Err("downgrade with --sql requires <fromrev>:<torev>".to_string());
        }
        None => (None, target),
    };
    let graph = chain.graph();
    let current: Vec<String> = match start {
        None | Some("base") => Vec::new(),
        Some(start) => {
            let found = graph.resolve(start).map_err(|e| e.to_string())?;
            // A downgrade starts from one revision (a head that others
            // only depend on does not count, as in Alembic's `heads`).
            let starts = found
                .iter()
                .filter(|&&i| graph.is_real_head(i) || !graph.is_head(i))
                .count();
            if !upgrade && starts > 1 {
                return Err(format!(
                    "Multiple head revisions are present for given argument '{start}'; please specify a specific target revision, '<branchname>@{start}' to narrow to a specific head, or 'heads' for all heads"
                ));
            }
            found
                .into_iter()
                .map(|i| graph.node(i).id.clone())
                .collect()
        }
    };
    let command = if upgrade {
        AlembicCommand::Upgrade(destination.to_string())
    } else {
        AlembicCommand::Downgrade(destination.to_string())
    };
    let planned = plan(chain, &current, &command, RunOptions::default());
    if let Some(error) = planned.error {
        return Err(error);
    }
    let mut steps: Vec<ScriptRevision<'_>> = planned
        .runs
        .iter()
        .filter_map(|run| {
            let node = graph.find(&run.revision)?;
            Some(ScriptRevision {
                rev_id: &graph.node(node).id,
                down_revisions: graph.node(node).down.iter().map(String::as_str).collect(),
                depends_on: graph.dependencies(node),
                migration: &chain.revision(node).migration,
            })
        })
        .collect();
    // `script` takes them oldest first.
    let direction = if upgrade {
        Direction::Upgrade
    } else {
        steps.reverse();
        Direction::Downgrade
    };
    Ok(script(&steps, direction, chain.enums()))
}
