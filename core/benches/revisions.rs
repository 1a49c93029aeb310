//! `cargo bench -p retort-core --bench revisions` (also run by `cargo xtask
//! bench`): the first 20 fixture pairs of `tests/fixtures/pairs`, each read
//! from its two model files, diffed and rendered as the Alembic revision,
//! timed per pair. With `RETORT_PYTHON` set to the venv's Python, real
//! Alembic autogenerate runs the same pairs against PostgreSQL in the same
//! run (`tests/alembic/bench_autogen.py`) and the ratio is printed. Figures go
//! to BENCHMARKS.md; nothing here asserts on time.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use retort_core::diff::{Options, diff_with};
use retort_core::python::read_schema;
use retort_core::render::{self, Context, RevisionHeader};

// The allocator the `retort` command runs with (see cli/src/main.rs).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAIRS: usize = 20;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// What `retort revision --no-safe` does for a pair, files already read.
fn revision(before: &str, after: &str) -> String {
    let (before, _) = read_schema(before);
    let (after, _) = read_schema(after);
    let migration = diff_with(&before, &after, Options { safe: false });
    let enums = render::database_enums(&before);
    render::revision(
        &RevisionHeader {
            message: "bench",
            rev_id: "0123456789ab",
            down_revision: None,
            create_date: "2026-01-01 00:00:00.000000",
        },
        &migration,
        &Context {
            database_enums: &enums,
        },
    )
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/pairs");
    let mut pairs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|entries| entries.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    pairs.retain(|p| p.join("after.py").exists());
    pairs.sort();
    pairs.truncate(PAIRS);
    let texts: Vec<(String, String)> = pairs
        .iter()
        .map(|p| {
            let read = |f: &str| std::fs::read_to_string(p.join(f)).unwrap_or_default();
            (read("before.py"), read("after.py"))
        })
        .collect();
    let mut total = 0.0;
    for (before, after) in &texts {
        for _ in 0..20 {
            black_box(revision(black_box(before), black_box(after)));
        }
        let samples: Vec<f64> = (0..15)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..20 {
                    black_box(revision(black_box(before), black_box(after)));
                }
                started.elapsed().as_secs_f64() * 1000.0 / 20.0
            })
            .collect();
        total += median(samples);
    }
    println!(
        "retort: {} pairs read, diffed and rendered: {total:.3} ms (sum of per-pair medians, {:.3} ms per pair)",
        texts.len(),
        total / texts.len().max(1) as f64
    );

    let Ok(python) = std::env::var("RETORT_PYTHON") else {
        println!("(set RETORT_PYTHON to the venv's Python to time real Alembic side by side)");
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/alembic/bench_autogen.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg("5")
        .args(&pairs)
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            let last = text.lines().last().unwrap_or_default().trim().to_string();
            match last.parse::<f64>() {
                Ok(peer) => println!(
                    "peer: Alembic 1.20 autogenerate on PostgreSQL, same pairs: {peer:.1} ms (sum of per-pair medians of 5 runs, {:.1} ms per pair)\n\
                     Alembic / retort: {:.0}×",
                    peer / texts.len().max(1) as f64,
                    peer / total
                ),
                Err(_) => println!("peer printed {text:?}"),
            }
        }
        Ok(out) => println!("peer failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(error) => println!("peer not run: {error}"),
    }
}
