//! `cargo bench -p retort-core --bench revisions` (also run by `cargo xtask
//! bench`): the first 20 fixture pairs of `tests/fixtures/pairs`, each read
//! from its two model files, diffed and rendered as the Alembic revision,
//! timed per pair. With `RETORT_PYTHON` set to the venv's Python, real
//! Alembic autogenerate runs the same pairs against PostgreSQL in the same
//! run (`tests/alembic/bench_autogen.py`) and the ratio is printed.
//!
//! Second part, offline SQL: each pair's revision file (as retort writes it)
//! read back and printed as the PostgreSQL `alembic upgrade --sql` prints,
//! side by side with real `alembic upgrade --sql` on the same files
//! (`tests/alembic/bench_offline_sql.py`). Figures go to BENCHMARKS.md;
//! nothing here asserts on time.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use retort_core::diff::{Options, diff_with};
use retort_core::python::read_schema;
use retort_core::render::{self, RenderOptions, RevisionHeader};
use retort_core::revision::read_revision;

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
        &RenderOptions {
            database_enums: &enums,
            batch: false,
        },
    )
}

/// What `retort sql REVISION.py` does, file already read.
fn offline_sql(revision_text: &str) -> String {
    let (read, _) = read_revision(revision_text);
    let revisions = [render::script::ScriptRevision::linear(
        read.id.as_deref().unwrap_or(""),
        None,
        &read.migration,
    )];
    render::script::script(&revisions, render::script::Direction::Upgrade, &read.enums).text
}

/// Per-pair medians of `f` (20 calls per sample, 15 samples), summed.
fn time_pairs<T>(items: &[T], f: impl Fn(&T) -> String) -> f64 {
    let mut total = 0.0;
    for item in items {
        for _ in 0..20 {
            black_box(f(black_box(item)));
        }
        let samples: Vec<f64> = (0..15)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..20 {
                    black_box(f(black_box(item)));
                }
                started.elapsed().as_secs_f64() * 1000.0 / 20.0
            })
            .collect();
        total += median(samples);
    }
    total
}

/// Runs a peer script and reads the number it prints last.
fn peer(python: &str, script: &str, args: &[String]) -> Result<f64, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(script);
    let out = Command::new(python)
        .arg(&script)
        .args(args)
        .output()
        .map_err(|e| format!("peer not run: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "peer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("peer printed {text:?}"))
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
    let total = time_pairs(&texts, |(before, after)| revision(before, after));
    println!(
        "retort: {} pairs read, diffed and rendered: {total:.3} ms (sum of per-pair medians, {:.3} ms per pair)",
        texts.len(),
        total / texts.len().max(1) as f64
    );

    // The revision files the offline-SQL part reads (and Alembic runs).
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-offline-sql");
    let _ = std::fs::create_dir_all(&out_dir);
    let files: Vec<(PathBuf, String)> = pairs
        .iter()
        .zip(&texts)
        .map(|(pair, (before, after))| {
            let name = pair.file_name().unwrap_or_default().to_string_lossy();
            let file = out_dir.join(format!("0123456789ab_{name}.py"));
            let text = revision(before, after);
            let _ = std::fs::write(&file, &text);
            (file, text)
        })
        .collect();
    let sql_total = time_pairs(&files, |(_, text)| offline_sql(text));
    println!(
        "retort: {} revision files read and printed as offline SQL: {sql_total:.3} ms ({:.3} ms per file)",
        files.len(),
        sql_total / files.len().max(1) as f64
    );

    let Ok(python) = std::env::var("RETORT_PYTHON") else {
        println!("(set RETORT_PYTHON to the venv's Python to time real Alembic side by side)");
        return;
    };
    let mut args = vec!["5".to_string()];
    args.extend(pairs.iter().map(|p| p.to_string_lossy().into_owned()));
    match peer(&python, "../tests/alembic/bench_autogen.py", &args) {
        Ok(peer) => println!(
            "peer: Alembic 1.20 autogenerate on PostgreSQL, same pairs: {peer:.1} ms (sum of per-pair medians of 5 runs, {:.1} ms per pair)\n\
             Alembic / retort: {:.0}×",
            peer / texts.len().max(1) as f64,
            peer / total
        ),
        Err(error) => println!("{error}"),
    }
    let mut args = vec!["5".to_string()];
    args.extend(
        pairs
            .iter()
            .zip(&files)
            .map(|(p, (f, _))| format!("{}:{}", p.display(), f.display())),
    );
    match peer(&python, "../tests/alembic/bench_offline_sql.py", &args) {
        Ok(peer) => println!(
            "peer: alembic upgrade --sql on the same revision files: {peer:.1} ms (sum of per-file medians of 5 runs, {:.1} ms per file)\n\
             Alembic / retort: {:.0}×",
            peer / files.len().max(1) as f64,
            peer / sql_total
        ),
        Err(error) => println!("{error}"),
    }
}
