#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::locks::{LockMode, Work, locks};
use super::*;

#[test]
fn steps_know_their_transaction_and_new_tables() {
    let sql = "CREATE TABLE t (id bigint);\nCREATE INDEX ix ON t (id);\nBEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE u ADD COLUMN a text;\nCOMMIT;\nALTER TABLE u ADD COLUMN b text";
    let (located, diagnostics) = crate::sql::ops::read_ops(sql);
    assert!(diagnostics.is_empty());
    let settings = Settings::default();
    let steps = sql_subject(&located, &settings).steps;
    let index = steps
        .iter()
        .find(|s| matches!(s.op, Op::CreateIndex { .. }))
        .expect("the index");
    assert!(index.new_table && !index.in_transaction);
    let added: Vec<&Step<'_>> = steps
        .iter()
        .filter(|s| matches!(s.op, Op::AddColumn { .. }))
        .collect();
    assert!(added[0].in_transaction && added[0].lock_timeout);
    assert!(!added[1].in_transaction && !added[1].lock_timeout);
    let lock = &locks(added[0], &settings)[0];
    assert_eq!(
        (lock.table.as_str(), lock.mode, lock.work),
        ("u", LockMode::AccessExclusive, Work::Instant)
    );
}

#[test]
fn rules_have_unique_ids_and_full_explanations() {
    let mut ids: Vec<&str> = rules::RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules::RULES.len());
    for rule in rules::RULES {
        let e = &rule.explanation;
        for text in [e.what, e.why, e.example, e.instead, e.fix_safety] {
            assert!(!text.is_empty(), "{}", rule.id);
        }
    }
}
