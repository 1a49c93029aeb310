//! The schema at a revision, with no database: the upgrade from the base
//! to it, planned as the rehearsal plans it, its statements read by the
//! SQL reader into a `Schema`. An op that cannot be replayed (a statement
//! retort did not read, one Alembic cannot write) is reported where it is
//! written; the schema is still produced from the rest.

use super::{Action, AlembicCommand, Chain, RunOptions, plan};
use crate::schema::Schema;
use crate::text::LineIndex;

/// What could not be replayed: which text (its index among those the
/// chain was read from), the 1-based line, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReplayed {
    pub file: usize,
    pub line: usize,
    pub message: String,
}

/// The schema at `target` (`head`, an id, a label, `rev+N`…), built from
/// an empty database; or Alembic's error for the target.
pub fn schema_at(chain: &Chain, target: &str) -> Result<(Schema, Vec<NotReplayed>), String> {
    let planned = plan(
        chain,
        &[],
        &AlembicCommand::Upgrade(target.to_string()),
        RunOptions {
            transaction_per_migration: false,
            keep_going: true,
        },
    );
    if let Some(error) = planned.error {
        return Err(error);
    }
    let mut script = String::new();
    let mut problems = Vec::new();
    for action in &planned.actions {
        match action {
            Action::Exec { sql, .. } => {
                script.push_str(sql);
                script.push_str(";\n");
            }
            Action::Fail { run, op, message } => {
                let run = &planned.runs[*run];
                let line = run.ops[*op].span.map_or(0, |s| {
                    LineIndex::new(chain.text(run.file)).line_col(s.start).line
                });
                problems.push(NotReplayed {
                    file: run.file,
                    line,
                    message: message.clone(),
                });
            }
            _ => {}
        }
    }
    let (schema, diagnostics) = crate::sql::read_schema(&script);
    problems.extend(diagnostics.into_iter().map(|d| NotReplayed {
        file: usize::MAX,
        line: 0,
        message: format!("the replayed SQL: {}", d.message),
    }));
    Ok((schema, problems))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn revision(id: &str, down: &str, up: &str) -> (String, String) {
        (
            format!("{id}.py"),
            format!(
                "from alembic import op\nimport sqlalchemy as sa\n\nrevision = '{id}'\ndown_revision = {down}\n\n\
                 def upgrade():\n    {up}\n\ndef downgrade():\n    pass\n"
            ),
        )
    }

    #[test]
    fn the_schema_at_each_revision() {
        let chain = Chain::from_files(&[
            revision(
                "a1",
                "None",
                "op.create_table('t', sa.Column('id', sa.Integer(), nullable=False), sa.PrimaryKeyConstraint('id'))",
            ),
            revision(
                "b2",
                "'a1'",
                "op.add_column('t', sa.Column('x', sa.Text(), nullable=True))",
            ),
            revision("c3", "'b2'", "do_something_clever()"),
        ]);
        let (at_a, problems) = schema_at(&chain, "a1").expect("a1 resolves");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(at_a.tables[0].columns.len(), 1);
        let (head, problems) = schema_at(&chain, "head").expect("head resolves");
        assert_eq!(head.tables[0].columns.len(), 2);
        // The call retort cannot follow is reported where it is written.
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!((problems[0].file, problems[0].line), (2, 8));
        assert_eq!(
            schema_at(&chain, "zz").err().as_deref(),
            Some("Can't locate revision identified by 'zz'")
        );
    }
}
