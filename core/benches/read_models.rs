//! `cargo bench -p retort-core --bench read_models` (also run by
//! `cargo xtask bench`): reads a generated 30-table, ~300-line SQLAlchemy
//! model file and prints the time per read. With `RETORT_PYTHON` set to a
//! Python with SQLAlchemy, the peer — SQLAlchemy itself building the same
//! MetaData from the same file — is timed in the same run and the ratio is
//! printed. Figures go to BENCHMARKS.md; nothing here asserts on time.

use std::hint::black_box;

// The allocator the `retort` command runs with (see cli/src/main.rs).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::Command;
use std::time::Instant;

/// A model file like a mid-sized application's: 30 tables, each with a
/// primary key, a foreign key to the previous table, an indexed unique
/// string, optional text, a server default and an enum.
fn model(tables: usize) -> String {
    let mut source = String::from(
        "import enum\nfrom datetime import datetime\nfrom typing import Optional\n\n\
         from sqlalchemy import DateTime, Enum, ForeignKey, String, Text, func\n\
         from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n\
         class State(enum.Enum):\n    new = \"new\"\n    done = \"done\"\n\n\n\
         class Base(DeclarativeBase):\n    pass\n",
    );
    for i in 0..tables {
        source.push_str(&format!(
            "\n\nclass Table{i}(Base):\n    __tablename__ = \"table_{i}\"\n\n"
        ));
        source.push_str("    id: Mapped[int] = mapped_column(primary_key=True)\n");
        if i > 0 {
            source.push_str(&format!(
                "    parent_id: Mapped[int] = mapped_column(ForeignKey(\"table_{}.id\", ondelete=\"CASCADE\"), index=True)\n",
                i - 1
            ));
        }
        source.push_str("    code: Mapped[str] = mapped_column(String(64), unique=True)\n");
        source.push_str("    notes: Mapped[Optional[str]] = mapped_column(Text)\n");
        source.push_str(
            "    state: Mapped[State] = mapped_column(Enum(State), server_default=\"new\")\n",
        );
        source.push_str("    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())\n");
    }
    source
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

const PEER: &str = r#"
import importlib.util, statistics, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
samples = []
for i in range(runs):
    spec = importlib.util.spec_from_file_location(f"bench_model_{i}", path)
    module = importlib.util.module_from_spec(spec)
    started = time.perf_counter()
    spec.loader.exec_module(module)
    module.Base.metadata.sorted_tables  # the MetaData, fully built
    samples.append((time.perf_counter() - started) * 1000)
print(statistics.median(samples))
"#;

fn main() {
    let source = model(30);
    let lines = source.lines().count();
    // The browser half of the benchmark (tests/e2e/bench.mjs) reads the same file.
    let shared =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench/model_30_tables.py");
    if let Some(dir) = shared.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(error) = std::fs::write(&shared, &source) {
        println!("cannot write {}: {error}", shared.display());
    }
    let (schema, diagnostics) = retort_core::python::read_schema(&source);
    assert_eq!(schema.tables.len(), 30);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");

    for _ in 0..50 {
        black_box(retort_core::python::read_schema(black_box(&source)));
    }
    let samples: Vec<f64> = (0..25)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..20 {
                black_box(retort_core::python::read_schema(black_box(&source)));
            }
            started.elapsed().as_secs_f64() * 1000.0 / 20.0
        })
        .collect();
    let ours = median(samples.clone());
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "retort read_schema, {lines}-line 30-table model: {ours:.3} ms median ({min:.3} ms min, 25×20 reads)"
    );

    let parse_only = median(
        (0..25)
            .map(|_| {
                let started = Instant::now();
                for _ in 0..20 {
                    black_box(retort_core::python::parse(black_box(&source)));
                }
                started.elapsed().as_secs_f64() * 1000.0 / 20.0
            })
            .collect(),
    );
    println!(
        "  of which parsing (ruff_python_parser): {parse_only:.3} ms; reading the tree: {:.3} ms",
        ours - parse_only
    );

    let Ok(python) = std::env::var("RETORT_PYTHON") else {
        println!("(set RETORT_PYTHON to a Python with SQLAlchemy to time the peer side by side)");
        return;
    };
    let path = std::env::temp_dir().join("retort_bench_model.py");
    if let Err(error) = std::fs::write(&path, &source) {
        println!("peer not run: cannot write {}: {error}", path.display());
        return;
    }
    let out = Command::new(&python)
        .args(["-c", PEER, &path.to_string_lossy(), "15"])
        .output();
    match out {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            match text.trim().parse::<f64>() {
                Ok(peer) => println!(
                    "peer: SQLAlchemy building the same MetaData (import of the file): {peer:.3} ms median (15 runs)\n\
                     SQLAlchemy / retort: {:.0}×",
                    peer / ours
                ),
                Err(_) => println!("peer printed {text:?}"),
            }
        }
        Ok(out) => println!("peer failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(error) => println!("peer not run: {error}"),
    }
}
