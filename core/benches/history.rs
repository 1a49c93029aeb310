//! `cargo bench -p retort-core --bench history` (also run by `cargo xtask
//! bench`): synthetic `versions/` folders of 1,000 and 10,000 revisions —
//! a main line that branches every 40 revisions into a side line of 8
//! revisions, merged back, and a labelled branch — written to
//! `target/bench-history/N/`, then read (every file parsed, identifiers and
//! docstrings), built into the graph and walked in `alembic history` order
//! with its text, as `retort history DIR` does. With `RETORT_PYTHON` set,
//! real Alembic's `ScriptDirectory` loads the same folder and walks it
//! (`walk_revisions` + `cmd_format`, what `alembic history` does) in the
//! same run, and the ratio is printed. Nothing here asserts on time.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use retort_core::graph::Graph;
use retort_core::revision::read_header;

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn id(n: usize) -> String {
    format!(
        "{:012x}",
        (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16
    )
}

fn revision_file(rev: &str, down: &[String], label: Option<&str>, n: usize) -> String {
    let down_repr = match down {
        [] => "None".to_string(),
        [one] => format!("'{one}'"),
        many => format!(
            "({})",
            many.iter()
                .map(|d| format!("'{d}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let label = label.map_or("None".to_string(), |l| format!("('{l}',)"));
    format!(
        "\"\"\"step {n}\n\nRevision ID: {rev}\nRevises: {}\nCreate Date: 2026-01-01 00:00:00.000000\n\n\"\"\"\n\
         from alembic import op\nimport sqlalchemy as sa\n\n\
         revision = '{rev}'\ndown_revision = {down_repr}\nbranch_labels = {label}\ndepends_on = None\n\n\n\
         def upgrade():\n    op.add_column('t', sa.Column('c{n}', sa.Integer(), nullable=True))\n\n\n\
         def downgrade():\n    op.drop_column('t', 'c{n}')\n",
        down.join(", ")
    )
}

/// Writes the folder; returns its path.
fn generate(count: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/bench-history")
        .join(count.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let mut n = 0;
    let mut main: Option<String> = None;
    let write = |down: Vec<String>, label: Option<&str>, n: &mut usize| -> String {
        let rev = id(*n);
        let text = revision_file(&rev, &down, label, *n);
        let _ = std::fs::write(dir.join(format!("{rev}_step_{n}.py")), text);
        *n += 1;
        rev
    };
    while n < count {
        let down: Vec<String> = main.iter().cloned().collect();
        let label = (n == count / 2).then_some("feature");
        let head = write(down, label, &mut n);
        main = Some(head.clone());
        if n % 40 == 0 && n + 16 < count {
            // A side line of 8 off this revision, merged back.
            let mut side = head.clone();
            for _ in 0..8 {
                side = write(vec![side], None, &mut n);
            }
            let mut line = head;
            for _ in 0..7 {
                line = write(vec![line], None, &mut n);
            }
            main = Some(write(vec![line, side], None, &mut n));
        }
    }
    dir
}

/// What `retort history DIR` does, files already listed.
fn history(files: &[PathBuf]) -> usize {
    let mut nodes = Vec::with_capacity(files.len());
    for path in files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let (revision, _) = read_header(&source);
        nodes.extend(revision.node());
    }
    let (graph, _) = Graph::build(nodes);
    graph
        .history()
        .into_iter()
        .map(|i| graph.history_line(i, &[]).len())
        .sum()
}

fn main() {
    let python = std::env::var("RETORT_PYTHON").ok();
    for count in [1_000, 10_000] {
        let dir = generate(count);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|e| e.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        black_box(history(&files));
        let runs = if count > 5_000 { 5 } else { 15 };
        let mut samples: Vec<f64> = (0..runs)
            .map(|_| {
                let started = Instant::now();
                black_box(history(black_box(&files)));
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        let ours = samples[samples.len() / 2];
        println!(
            "retort: {count} revisions read, graph built, history written: {ours:.1} ms (median of {runs})"
        );
        let Some(python) = &python else {
            continue;
        };
        let script =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/alembic/bench_history.py");
        let peer_runs = if count > 5_000 { "1" } else { "3" };
        match Command::new(python)
            .arg(&script)
            .arg(peer_runs)
            .arg(&dir)
            .output()
        {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                match text
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .parse::<f64>()
                {
                    Ok(peer) => println!(
                        "peer: Alembic ScriptDirectory, same folder: {peer:.0} ms (median of {peer_runs})\nAlembic / retort: {:.0}×",
                        peer / ours
                    ),
                    Err(_) => println!("peer printed {text:?}"),
                }
            }
            Ok(out) => println!("peer failed: {}", String::from_utf8_lossy(&out.stderr)),
            Err(error) => println!("peer not run: {error}"),
        }
    }
}
