//! `cargo bench -p retort-core --bench read_sql` (also run by `cargo xtask
//! bench`): where the time of `retort lint` on a long `.sql` script goes, on
//! one thread. First the time to read one statement of each kind the
//! throughput benchmark generates (tests/lint/compare_peers.py), then the
//! phases of a 100,000-statement script made of them: split, read, judge.
//! The peers (squawk, pgfence) are timed on the whole command by
//! compare_peers.py; this is the breakdown behind retort's side of it.
//! Figures go to BENCHMARKS.md; nothing here asserts on time.

use std::hint::black_box;
use std::time::Instant;

// The allocator the `retort` command runs with (see cli/src/main.rs).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use retort_core::lint::{self, Settings};
use retort_core::sql::{ops, split};

/// The statements of compare_peers.py's generated migrations (`{i}` is the
/// round), in its order.
const STATEMENTS: &[&str] = &[
    "CREATE TABLE t{i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now())",
    "ALTER TABLE accounts ADD COLUMN c{i} integer",
    "CREATE INDEX ix_accounts_c{i} ON accounts (c{i})",
    "ALTER TABLE accounts ALTER COLUMN c{i} TYPE bigint",
    "ALTER TABLE orders ADD CONSTRAINT fk_orders_{i} FOREIGN KEY (account_id) REFERENCES accounts (id)",
    "CREATE INDEX CONCURRENTLY ix_t{i}_name ON t{i} (name)",
    "ALTER TABLE accounts ALTER COLUMN c{i} SET NOT NULL",
    "UPDATE accounts SET c{i} = 0 WHERE c{i} IS NULL",
    "ALTER TABLE accounts DROP COLUMN c{i}",
    "COMMENT ON TABLE t{i} IS 'table {i}'",
];

/// The generated script of `n` statements, as compare_peers.py writes it.
fn script(n: usize) -> String {
    let mut lines = vec!["SET lock_timeout = '5s';".to_string()];
    for i in 0..n - 1 {
        let round = (i / STATEMENTS.len()).to_string();
        lines.push(STATEMENTS[i % STATEMENTS.len()].replace("{i}", &round) + ";");
    }
    lines.join("\n") + "\n"
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// The median over `runs` of `f`'s time, in seconds.
fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(7);

    println!("reading one statement (median of {runs} runs of 2,000 each):");
    let mut total = 0.0;
    for statement in STATEMENTS {
        let text: String = (0..2000)
            .map(|i| statement.replace("{i}", &i.to_string()) + ";\n")
            .collect();
        let pieces = split::split(&text);
        let seconds = time(runs, || {
            black_box(ops::read_ops_of(&text, &pieces));
        });
        let micros = seconds / 2000.0 * 1e6;
        total += micros;
        let shown = statement.replace("{i}", "0");
        let cut = shown
            .char_indices()
            .nth(60)
            .map_or(shown.len(), |(at, _)| at);
        println!("  {micros:>6.2} µs  {}", &shown[..cut]);
    }
    println!("  {total:>6.2} µs  all {} kinds", STATEMENTS.len());

    let n = 100_000;
    let text = script(n);
    let settings = Settings::default();
    let pieces = split::split(&text);
    let parts: Vec<&[split::Piece]> = pieces.chunks(lint::PART).collect();
    let split_s = time(runs, || {
        black_box(split::split(&text));
    });
    let read_s = time(runs, || {
        for part in &parts {
            black_box(ops::read_ops_of(&text, part));
        }
    });
    let read: Vec<_> = parts
        .iter()
        .map(|part| ops::read_ops_of(&text, part).0)
        .collect();
    let mut findings = 0;
    let judge_s = time(runs, || {
        let mut script = lint::ScriptJudge::new(&text, &settings);
        for located in &read {
            script.part(located, |_| {});
        }
        findings = black_box(script.finish()).len();
    });
    println!(
        "a script of {n} statements ({} MB, {findings} findings), one thread:",
        text.len() / 1_000_000
    );
    for (phase, seconds) in [("split", split_s), ("read", read_s), ("judge", judge_s)] {
        println!(
            "  {:>7.1} ms  {phase} ({:.2} µs a statement)",
            seconds * 1e3,
            seconds / n as f64 * 1e6
        );
    }
}
