//! What the integration tests share: the labelled lint cases.

use std::path::{Path, PathBuf};

/// The labelled cases (tests/lint/cases/<rule>/NNN_name.py|.sql), in the
/// order of their names (their numbers), with their folders.
#[allow(dead_code)]
pub fn lint_cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lint/cases");
    let mut cases = Vec::new();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/lint/cases")
        .map(|e| e.expect("an entry").path())
        .collect();
    folders.sort();
    for folder in folders {
        assert!(
            folder.is_dir(),
            "{}: a case goes in the folder of its rule",
            folder.display()
        );
        cases.extend(
            std::fs::read_dir(&folder)
                .expect("a rule's folder")
                .map(|e| e.expect("an entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "py" || e == "sql")),
        );
    }
    cases.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    cases
}

/// The labelled SQL cases.
#[allow(dead_code)]
pub fn sql_cases() -> Vec<PathBuf> {
    lint_cases()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect()
}
