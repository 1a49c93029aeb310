//! The labelled test set (tests/lint/cases): every migration, revision or
//! SQL, reviewed; the findings must be exactly the ones its comments
//! expect (`# expect: rule-id, …` / `-- expect: …` on the line the finding
//! starts on). Files expecting nothing are migrations that must pass. Prints
//! precision and recall per rule; requires 100% of both.
#![cfg(all(feature = "sql", not(target_arch = "wasm32")))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod common;

use retort_core::LineIndex;
use retort_core::lint::{self, MigrationKind, Settings, rules::RULES};

/// `# lint: postgres=11 assume-in-transaction` on the first line.
fn settings(source: &str) -> Settings {
    let mut settings = Settings::default();
    let first = source.lines().next().unwrap_or("");
    if let Some(rest) = first
        .strip_prefix("# lint:")
        .or_else(|| first.strip_prefix("-- lint:"))
    {
        for word in rest.split_whitespace() {
            match word.split_once('=') {
                Some(("postgres", v)) => settings.postgres = v.parse().expect("a version"),
                None if word == "assume-in-transaction" => settings.assume_in_transaction = true,
                _ => panic!("unknown setting {word}"),
            }
        }
    }
    settings
}

/// A `.sql` file is a script; anything else a revision file.
fn kind_of(path: &Path) -> MigrationKind {
    if path.extension().is_some_and(|e| e == "sql") {
        MigrationKind::Sql
    } else {
        MigrationKind::Revision
    }
}

fn expected(source: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in source.lines().enumerate() {
        for marker in ["# expect:", "-- expect:"] {
            if let Some((_, ids)) = line.split_once(marker) {
                for id in ids.split(',') {
                    out.insert((i + 1, id.trim().to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn the_labelled_set_is_found_exactly() {
    let paths = common::lint_cases();
    // rule → (true positives, false positives, false negatives)
    let mut tally: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut revisions, mut scripts, mut clean) = (0, 0, 0);
    for path in &paths {
        let source = std::fs::read_to_string(path).expect("UTF-8");
        let settings = settings(&source);
        let kind = kind_of(path);
        if kind == MigrationKind::Sql {
            scripts += 1;
        } else {
            revisions += 1;
        }
        let (findings, _) = lint::lint_source(&source, kind, &settings);
        let index = LineIndex::new(&source);
        let found: BTreeSet<(usize, String)> = findings
            .iter()
            .map(|f| (index.line_col(f.span.start).line, f.rule.to_string()))
            .collect();
        let want = expected(&source);
        if want.is_empty() {
            clean += 1;
        }
        for hit in &found {
            let entry = tally.entry(hit.1.clone()).or_default();
            if want.contains(hit) {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        for miss in want.difference(&found) {
            tally.entry(miss.1.clone()).or_default().2 += 1;
        }
        if found != want {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            failures.push(format!(
                "{}: unexpected {:?}, missing {:?}",
                name.unwrap_or_default(),
                found.difference(&want).collect::<Vec<_>>(),
                want.difference(&found).collect::<Vec<_>>()
            ));
        }
    }
    println!(
        "{} migrations ({revisions} revisions, {scripts} SQL scripts, {clean} that must pass)",
        paths.len()
    );
    println!(
        "{:<38} {:>4} {:>4} {:>4} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    for (rule, (tp, fp, fneg)) in &tally {
        let ratio = |a: usize, b: usize| {
            if a + b == 0 {
                "-".to_string()
            } else {
                format!("{:.0}%", 100.0 * a as f64 / (a + b) as f64)
            }
        };
        println!(
            "{rule:<38} {tp:>4} {fp:>4} {fneg:>4} {:>9} {:>7}",
            ratio(*tp, *fp),
            ratio(*tp, *fneg)
        );
    }
    assert!(paths.len() >= 80, "the set has {} migrations", paths.len());
    assert!(clean >= 20, "{clean} migrations that must pass");
    for rule in RULES {
        // multiple-heads is judged on a folder: the CLI's tests cover it.
        if rule.id != "multiple-heads" {
            assert!(tally.contains_key(rule.id), "no case for {}", rule.id);
        }
    }
    for id in tally.keys() {
        assert!(
            RULES.iter().any(|r| r.id == id),
            "unknown rule {id} in an expectation"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every case with all its fixes applied (safe and unsafe, as
/// `--unsafe-fixes` does), linted again: nothing left that has a fix, no
/// rule that was fixed still reported, no new rule, and the file still reads
/// as well as before. The fixed text is the snapshot next to the case
/// (`NNN_name.py.fixed`), which exists exactly when a fix applies;
/// `RETORT_BLESS=1 cargo test -p retort-core --test lint_cases` rewrites
/// the snapshots (review their diff).
#[test]
fn fixing_leaves_nothing_to_fix() {
    use retort_core::Applicability;
    let paths = common::lint_cases();
    let bless = std::env::var_os("RETORT_BLESS").is_some();
    let lint = lint::lint_source;
    let mut fixed_files = 0;
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    let mut applicabilities: BTreeMap<&str, BTreeSet<Applicability>> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &paths {
        let source = std::fs::read_to_string(path).expect("UTF-8");
        let settings = settings(&source);
        let kind = kind_of(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (before, before_diagnostics) = lint(&source, kind, &settings);
        for f in &before {
            if let Some(fix) = &f.fix {
                applicabilities
                    .entry(f.rule)
                    .or_default()
                    .insert(fix.applicability);
            }
        }
        let fixable: BTreeSet<&str> = before
            .iter()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| x.applicability >= Applicability::Unsafe)
            })
            .map(|f| f.rule)
            .collect();
        let (text, applied) = lint::fix_source(&source, kind, &settings, Applicability::Unsafe);
        let mut snapshot = path.as_os_str().to_owned();
        snapshot.push(".fixed");
        let snapshot = std::path::PathBuf::from(snapshot);
        let kept = std::fs::read_to_string(&snapshot).ok();
        let want = (applied > 0).then_some(&text);
        if bless {
            match want {
                Some(text) => std::fs::write(&snapshot, text).expect("the snapshot is written"),
                None if kept.is_some() => std::fs::remove_file(&snapshot).expect("removed"),
                None => {}
            }
        } else if kept.as_ref() != want {
            failures.push(format!(
                "{name}: the fixed text is not its snapshot {} (RETORT_BLESS=1 rewrites it):\n{}",
                snapshot.display(),
                want.map_or("(no fix applies)", |t| t.as_str())
            ));
        }
        if applied == 0 {
            if !fixable.is_empty() {
                failures.push(format!("{name}: fixes for {fixable:?} but none applied"));
            }
            continue;
        }
        fixed_files += 1;
        for rule in &fixable {
            *per_rule.entry(rule).or_default() += 1;
        }
        let (after, after_diagnostics) = lint(&text, kind, &settings);
        let rules_before: BTreeSet<&str> = before.iter().map(|f| f.rule).collect();
        for f in &after {
            let problem = if f
                .fix
                .as_ref()
                .is_some_and(|x| x.applicability >= Applicability::Unsafe)
            {
                Some("still has a fix")
            } else if fixable.contains(f.rule)
                && before
                    .iter()
                    .filter(|b| b.rule == f.rule)
                    .all(|b| b.fix.is_some())
            {
                Some("was fixed but is still reported")
            } else if !rules_before.contains(f.rule)
                && !FOLLOWS
                    .iter()
                    .any(|(fixed, next)| *next == f.rule && rules_before.contains(fixed))
            {
                Some("is new")
            } else {
                None
            };
            if let Some(problem) = problem {
                failures.push(format!(
                    "{name}: {} {problem}: {}\n{text}",
                    f.rule, f.message
                ));
            }
        }
        let errors = |d: &[retort_core::Diagnostic]| {
            d.iter()
                .filter(|d| d.severity == retort_core::Severity::Error)
                .count()
        };
        if errors(&after_diagnostics) > errors(&before_diagnostics)
            || after_diagnostics.len() > before_diagnostics.len()
        {
            failures.push(format!(
                "{name}: the fixed file reads worse: {after_diagnostics:?}\n{text}"
            ));
        }
    }
    println!("{fixed_files} files fixed; files per rule fixed: {per_rule:?}");
    // Each rule's "Fix safety" says what its fix is, and only a rule with
    // a fix claims one.
    for rule in RULES {
        let said = rule.explanation.fix_safety;
        let has = applicabilities.get(rule.id);
        let claims = !said.starts_with("No automatic fix");
        if claims != has.is_some() {
            failures.push(format!(
                "{}: Fix safety says {said:?}, fixes seen {has:?}",
                rule.id
            ));
        }
        if let Some(kinds) = has {
            for kind in kinds {
                let name = match kind {
                    Applicability::Safe => "Safe",
                    Applicability::Unsafe => "Unsafe",
                    Applicability::DisplayOnly => "Display only",
                };
                if !said.starts_with(name) {
                    failures.push(format!(
                        "{}: Fix safety says {said:?} but the fix is {name}",
                        rule.id
                    ));
                }
            }
        }
    }
    assert!(fixed_files >= 20, "only {fixed_files} files had a fix");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A fix that turns an op into another whose own rule then speaks: the
/// drop and add that `looks-like-rename` turns into a rename is a rename,
/// with what `rename-column` says of it.
const FOLLOWS: &[(&str, &str)] = &[("looks-like-rename", "rename-column")];

/// docs/rules.md is the catalogue as `lint::rules::markdown()` prints it;
/// `RETORT_UPDATE_DOCS=1 cargo test -p retort-core --test lint_cases`
/// rewrites it.
#[test]
fn docs_rules_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let want = lint::rules::markdown();
    if std::env::var_os("RETORT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("docs/rules.md written");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run RETORT_UPDATE_DOCS=1 cargo test -p retort-core --test lint_cases"
    );
}
