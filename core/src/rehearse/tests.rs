#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::*;

/// `1a2b ← 2b3c ← {3c4d (billing), 4d5e} ← 5e6f (merge)`, as the fixture
/// folder `tests/fixtures/history/branched` has it.
fn branched() -> Chain {
    let rev = |id: &str, down: &str, doc: &str, label: &str| {
        format!(
            "\"\"\"{doc}\n\nRevision ID: {id}\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n\
             revision = '{id}'\ndown_revision = {down}\nbranch_labels = {label}\ndepends_on = None\n\n\n\
             def upgrade():\n    op.add_column('accounts', sa.Column('c_{id}', sa.Integer(), nullable=True))\n\n\n\
             def downgrade():\n    op.drop_column('accounts', 'c_{id}')\n"
        )
    };
    let files = vec![
        (
            "1a2b.py".to_string(),
            rev("1a2b", "None", "create accounts", "None"),
        ),
        (
            "2b3c.py".to_string(),
            rev("2b3c", "'1a2b'", "add email", "None"),
        ),
        (
            "3c4d.py".to_string(),
            rev("3c4d", "'2b3c'", "billing branch", "('billing',)"),
        ),
        (
            "4d5e.py".to_string(),
            rev("4d5e", "'2b3c'", "add name", "None"),
        ),
        (
            "5e6f.py".to_string(),
            rev("5e6f", "('3c4d', '4d5e')", "merge billing", "None"),
        ),
    ];
    Chain::from_files(&files)
}

fn run(chain: &Chain, current: &[&str], line: &str) -> Plan {
    let current: Vec<String> = current.iter().map(|s| s.to_string()).collect();
    let command = AlembicCommand::parse(line).expect("command reads");
    plan(chain, &current, &command, RunOptions::default())
}

fn logs(plan: &Plan) -> Vec<&str> {
    plan.runs
        .iter()
        .map(|r| r.log.trim_start_matches(LOG).trim())
        .collect()
}

fn versions(plan: &Plan) -> Vec<&str> {
    plan.actions
        .iter()
        .filter_map(|a| match a {
            Action::Version { run: Some(_), sql } => Some(sql.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn upgrade_walks_as_alembic_walks() {
    let chain = branched();
    assert!(chain.problems.is_empty(), "{:?}", chain.problems);
    let first = run(&chain, &[], "upgrade +1");
    assert_eq!(logs(&first), ["Running upgrade  -> 1a2b, create accounts"]);
    assert_eq!(
        versions(&first),
        [
            "INSERT INTO alembic_version (version_num) VALUES ('1a2b') RETURNING alembic_version.version_num"
        ]
    );
    // Two ways up from the branch point.
    let ambiguous = run(&chain, &["2b3c"], "upgrade +1");
    assert_eq!(ambiguous.error.as_deref(), Some("Ambiguous walk"));
    assert!(ambiguous.actions.is_empty());
    // From one side of the branch, +1 is the merge: the other side runs first.
    let across = run(&chain, &["3c4d"], "upgrade +1");
    assert_eq!(
        logs(&across),
        [
            "Running upgrade 2b3c -> 4d5e, add name",
            "Running upgrade 3c4d, 4d5e -> 5e6f, merge billing"
        ]
    );
    assert_eq!(
        run(&chain, &[], "upgrade bogus").error.as_deref(),
        Some("Can't locate revision identified by 'bogus'")
    );
    assert_eq!(
        run(&chain, &["5e6f"], "upgrade +1").error.as_deref(),
        Some("Relative revision +1 didn't produce 1 migrations")
    );
}

#[test]
fn downgrade_undoes_newest_first() {
    let chain = branched();
    let all = run(&chain, &["5e6f"], "downgrade base");
    assert_eq!(
        logs(&all),
        [
            "Running downgrade 5e6f -> 3c4d, 4d5e, merge billing",
            "Running downgrade 3c4d -> 2b3c, billing branch",
            "Running downgrade 4d5e -> 2b3c, add name",
            "Running downgrade 2b3c -> 1a2b, add email",
            "Running downgrade 1a2b -> , create accounts",
        ]
    );
    assert_eq!(
        run(&chain, &["5e6f"], "downgrade -1").error.as_deref(),
        Some("Ambiguous walk")
    );
    assert_eq!(
        run(&chain, &["5e6f"], "downgrade +1").error.as_deref(),
        Some("Relative revision +1 didn't produce 1 migrations")
    );
    // Back to one side of the merge: only the merge is undone, and its row
    // splits into two heads.
    let split = run(&chain, &["5e6f"], "downgrade 3c4d");
    assert_eq!(
        logs(&split),
        ["Running downgrade 5e6f -> 3c4d, 4d5e, merge billing"]
    );
    assert_eq!(
        versions(&split),
        [
            "INSERT INTO alembic_version (version_num) VALUES ('3c4d') RETURNING alembic_version.version_num",
            "UPDATE alembic_version SET version_num='4d5e' WHERE alembic_version.version_num = '5e6f'"
        ]
    );
    // Two heads, -1: the first row's line steps down alone.
    let one_line = run(&chain, &["4d5e", "3c4d"], "downgrade -1");
    assert_eq!(
        logs(&one_line),
        ["Running downgrade 4d5e -> 2b3c, add name"]
    );
    let step = run(&chain, &["2b3c"], "downgrade -1");
    assert_eq!(logs(&step), ["Running downgrade 2b3c -> 1a2b, add email"]);
    assert_eq!(
        versions(&step),
        [
            "UPDATE alembic_version SET version_num='1a2b' WHERE alembic_version.version_num = '2b3c'"
        ]
    );
}

#[test]
fn one_transaction_or_one_per_revision() {
    let chain = branched();
    let current: Vec<String> = Vec::new();
    let command = AlembicCommand::Upgrade("1a2b+1".into());
    let one = plan(&chain, &current, &command, RunOptions::default());
    let count = |plan: &Plan, action: &Action| plan.actions.iter().filter(|a| *a == action).count();
    assert_eq!(
        (count(&one, &Action::Begin), count(&one, &Action::Commit)),
        (1, 1)
    );
    let each = plan(
        &chain,
        &current,
        &command,
        RunOptions {
            transaction_per_migration: true,
            ..RunOptions::default()
        },
    );
    assert_eq!(
        (count(&each, &Action::Begin), count(&each, &Action::Commit)),
        (2, 2)
    );
    assert_eq!(each.actions.first(), Some(&Action::Begin));
    assert_eq!(each.actions.last(), Some(&Action::Commit));
}

#[test]
fn ops_carry_their_line_and_statements() {
    let text = "revision = 'a1'\ndown_revision = None\n\nfrom alembic import op\nimport sqlalchemy as sa\n\n\
                def upgrade():\n    op.create_index('ix_t_x', 't', ['x'])\n    with op.get_context().autocommit_block():\n        \
                op.create_index('ix_t_y', 't', ['y'], postgresql_concurrently=True)\n\n\
                def downgrade():\n    op.drop_index('ix_t_x', table_name='t')\n";
    let chain = Chain::from_text(text);
    let up = run(&chain, &[], "upgrade head");
    let ops = &up.runs[0].ops;
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert_eq!(ops[0].label, "op.create_index('ix_t_x', 't', ['x'])");
    assert_eq!(ops[0].statements, ["CREATE INDEX ix_t_x ON t (x)"]);
    assert!(!ops[0].autocommit);
    assert!(ops[1].autocommit);
    assert_eq!(
        ops[1].statements,
        ["CREATE INDEX CONCURRENTLY ix_t_y ON t (y)"]
    );
    let span = ops[1].span.expect("span");
    assert!(text[span.start..span.end].starts_with("op.create_index('ix_t_y'"));
    // COMMIT before the concurrent build, BEGIN after it.
    let at = up
        .actions
        .iter()
        .position(|a| matches!(a, Action::Exec { op: 1, .. }))
        .expect("exec");
    assert_eq!(up.actions[at - 1], Action::Commit);
    assert_eq!(up.actions[at + 1], Action::Begin);
}

#[test]
fn current_heads_and_history_print_as_alembic() {
    let chain = branched();
    let current = run(&chain, &["5e6f"], "current");
    assert_eq!(current.output.len(), 3);
    assert_eq!(current.output[2], "5e6f (head) (mergepoint)");
    let heads = run(&chain, &[], "heads");
    assert_eq!(heads.output, ["5e6f (billing) (head)"]);
    let history = run(&chain, &["3c4d", "4d5e"], "history --indicate-current");
    assert_eq!(
        history.output[2..],
        [
            "3c4d, 4d5e -> 5e6f (billing) (head) (mergepoint), merge billing",
            "2b3c -> 3c4d (billing) (current), billing branch",
            "2b3c -> 4d5e (current), add name",
            "1a2b -> 2b3c (branchpoint), add email",
            "<base> -> 1a2b, create accounts",
        ]
    );
    let rows = timeline(&chain, &["4d5e".to_string()]);
    assert_eq!(rows.iter().filter(|r| r.current).count(), 1);
    assert_eq!(
        run(&chain, &["zzz"], "current").error.as_deref(),
        Some("Can't locate revision identified by 'zzz'")
    );
}

#[test]
fn stamp_sets_the_rows() {
    let chain = branched();
    let stamped = run(&chain, &[], "stamp heads");
    assert_eq!(
        stamped.output[2],
        format!("{LOG} Running stamp_revision  -> 5e6f")
    );
    assert!(stamped.actions.contains(&Action::Version {
        run: None,
        sql: "INSERT INTO alembic_version (version_num) VALUES ('5e6f')".into()
    }));
}
