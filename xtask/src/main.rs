//! Developer tasks, in Rust so they run the same on every machine:
//!
//! ```text
//! cargo xtask setup            install what building and testing need (idempotent)
//! cargo xtask serve [--port N] [--dev]
//!                              setup, then serve the playground on 127.0.0.1
//! cargo xtask build            release build of the playground into dist/
//! cargo xtask test             every check CI runs
//! cargo xtask bench [RUNS]     model reader vs SQLAlchemy, revisions and
//!                              history vs Alembic, the SQL reader's phases,
//!                              retort lint vs squawk and pgfence, then sizes
//!                              and start-up times of the playground with
//!                              stock PGlite side by side (BENCHMARKS.md)
//! ```
//!
//! Everything it installs comes from a package registry (crates.io, Debian,
//! npm): nothing is downloaded from anywhere else, so it works on machines
//! whose only way out is those registries.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T = ()> = std::result::Result<T, String>;

/// Trunk 0.22 needs a newer rustc than the one we support; 0.21.14 only builds
/// with its own lock file.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian packages and a file each one provides (to know whether it is there).
/// Debian packages and a file each installs: the browser for the wasm and
/// end-to-end tests, the PostgreSQL server for the round-trip tests.
const APT_PACKAGES: [(&str, &str); 3] = [
    ("chromium", CHROMIUM),
    ("chromium-driver", CHROMEDRIVER),
    ("postgresql", "/usr/bin/pg_ctlcluster"),
];
/// The Python virtualenv with the real SQLAlchemy and Alembic (pinned in
/// tests/sqlalchemy/requirements.txt) that the ground-truth tests run.
const VENV: &str = "target/venv-sqlalchemy";
/// The venv holding the real projects whose models are read as shipped
/// (tests/sqlalchemy/projects.txt).
const PROJECTS_VENV: &str = "target/venv-projects";

const USAGE: &str =
    "usage: cargo xtask <setup | serve [--port N] [--dev] | build | test | bench [RUNS]>";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("serve") => serve(&args[1..]),
        Some("build") => setup_build_tools().and_then(|()| build()),
        Some("test") => test(),
        Some("bench") => bench(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or(manifest.clone(), Path::to_path_buf)
}

fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(root());
    command
}

/// Runs a command, printing it first; fails on a non-zero exit.
fn run(command: &mut Command) -> Result {
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("$ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// The first line a command prints, or `None` when it is not installed.
fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

// ---------------------------------------------------------------- setup

fn setup() -> Result {
    setup_build_tools()?;
    setup_browser()?;
    ensure_venv().map(drop)
}

/// What `build` needs: the wasm target, wasm-bindgen, trunk, www's packages.
fn setup_build_tools() -> Result {
    ensure_wasm_target()?;
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &locked_version("wasm-bindgen")?,
        false,
    )?;
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    ensure_npm("www")
}

/// What the browser tests need: Chromium, ChromeDriver, Playwright (core).
fn setup_browser() -> Result {
    ensure_apt_packages()?;
    ensure_npm("tests/e2e")
}

fn ensure_wasm_target() -> Result {
    let installed = output_line_all("rustup", &["target", "list", "--installed"]);
    if installed.iter().any(|t| t == WASM_TARGET) {
        eprintln!("ok: rust target {WASM_TARGET}");
        return Ok(());
    }
    eprintln!("installing: rust target {WASM_TARGET}");
    run(&mut cmd("rustup", &["target", "add", WASM_TARGET]))
}

fn output_line_all(program: &str, args: &[&str]) -> Vec<String> {
    Command::new(program)
        .args(args)
        .output()
        .map(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.trim().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The version of a package in Cargo.lock, so the wasm-bindgen CLI always
/// matches the crate the app links.
fn locked_version(package: &str) -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    locked_version_in(&lock, package).ok_or_else(|| format!("{package} is not in Cargo.lock"))
}

fn locked_version_in(lock: &str, package: &str) -> Option<String> {
    let needle = format!("name = \"{package}\"");
    let mut lines = lock.lines().map(str::trim);
    lines.find(|line| *line == needle)?;
    let version = lines
        .next()?
        .strip_prefix("version = \"")?
        .strip_suffix('"')?;
    Some(version.to_string())
}

fn ensure_cargo_tool(binary: &str, krate: &str, version: &str, locked: bool) -> Result {
    let want = format!("{binary} {version}");
    match output_line(binary, &["--version"]) {
        Some(have) if have == want => {
            eprintln!("ok: {have}");
            return Ok(());
        }
        Some(have) => eprintln!("installing: {krate} {version} (found {have})"),
        None => eprintln!("installing: {krate} {version} (not found)"),
    }
    let mut args = vec!["install", krate, "--version", version];
    if locked {
        args.push("--locked");
    }
    run(&mut cmd("cargo", &args))
}

fn ensure_apt_packages() -> Result {
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(_, file)| !Path::new(file).exists())
        .map(|(package, _)| *package)
        .collect();
    if missing.is_empty() {
        eprintln!(
            "ok: {}",
            output_line(CHROMIUM, &["--version"]).unwrap_or_else(|| CHROMIUM.into())
        );
        return Ok(());
    }
    eprintln!("installing (apt): {}", missing.join(" "));
    let root_user = output_line("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut command = if root_user {
            cmd("apt-get", args)
        } else {
            let mut c = cmd("sudo", &["apt-get"]);
            c.args(args);
            c
        };
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    run(&mut apt(&["update"]))?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(&missing);
    run(&mut apt(&install))
}

/// A virtualenv with tests/sqlalchemy/requirements.txt installed (from PyPI),
/// remade when the requirements change. Returns its python.
fn ensure_venv() -> Result<PathBuf> {
    ensure_venv_of(VENV, "tests/sqlalchemy/requirements.txt")
}

/// The virtualenv `venv` with `requirements` installed, remade when they
/// change. Returns its python.
fn ensure_venv_of(venv: &str, requirements: &str) -> Result<PathBuf> {
    let dir = root().join(venv);
    let python = dir.join("bin/python");
    let wanted = fs::read(root().join(requirements))
        .map_err(|e| format!("cannot read {requirements}: {e}"))?;
    let stamp = dir.join(".retort-requirements.txt");
    if python.exists() && fs::read(&stamp).ok().as_deref() == Some(wanted.as_slice()) {
        eprintln!("ok: python venv {venv} ({requirements})");
        return Ok(python);
    }
    eprintln!("installing: python venv {venv} with {requirements}");
    run(&mut cmd("python3", &["-m", "venv", "--clear", venv]))?;
    run(&mut cmd(
        &python.to_string_lossy(),
        &["-m", "pip", "install", "--quiet", "-r", requirements],
    ))?;
    fs::write(&stamp, wanted).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn ensure_npm(folder: &str) -> Result {
    let dir = root().join(folder);
    let lock = fs::read(dir.join("package-lock.json"))
        .map_err(|e| format!("cannot read {folder}/package-lock.json: {e}"))?;
    let stamp = dir.join("node_modules/.retort-package-lock.json");
    if fs::read(&stamp).ok().as_deref() == Some(lock.as_slice()) {
        eprintln!("ok: npm packages in {folder}");
        return Ok(());
    }
    eprintln!("installing: npm packages in {folder} (npm ci)");
    let mut npm = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    npm.current_dir(&dir);
    run(&mut npm)?;
    fs::write(&stamp, lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

// ---------------------------------------------------------------- build & serve

/// Trunk, with `www/node_modules/.bin` first on PATH: the `wasm-opt` it
/// runs (`data-wasm-opt` in index.html) is npm's `binaryen` (a wasm build
/// of Binaryen, pinned in www/package.json; Trunk.toml names its version),
/// so Trunk never downloads one.
fn trunk(args: &[&str]) -> Command {
    let mut trunk = cmd("trunk", args);
    let bin = root().join("www/node_modules/.bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        trunk.env("PATH", joined);
    }
    trunk
}

fn build() -> Result {
    run(&mut trunk(&["build", "--release"]))
}

fn serve(args: &[String]) -> Result {
    let mut port = "8080".to_string();
    let mut release = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--port" => {
                port = rest
                    .next()
                    .filter(|p| p.parse::<u16>().is_ok())
                    .ok_or("--port needs a port number")?
                    .clone();
            }
            "--dev" => release = false,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    setup()?;
    eprintln!(
        "\nretort playground: http://127.0.0.1:{port}/  (first build takes a few minutes; Ctrl+C stops)\n"
    );
    let mut serve = trunk(&["serve", "--address", "127.0.0.1", "--port", &port]);
    if release {
        serve.arg("--release");
    }
    run(&mut serve)
}

// ---------------------------------------------------------------- bench

fn bench(args: &[String]) -> Result {
    let runs = match args.first() {
        Some(n) if n.parse::<u32>().is_ok_and(|n| n > 0) => n.clone(),
        Some(other) => return Err(format!("RUNS must be a positive number, not {other}")),
        None => "5".to_string(),
    };
    setup()?;
    let python = ensure_venv()?;
    let mut reader = cmd(
        "cargo",
        &["bench", "-p", "retort-core", "--bench", "read_models"],
    );
    reader.env("RETORT_PYTHON", &python);
    run(&mut reader)?;
    let mut revisions = cmd(
        "cargo",
        &["bench", "-p", "retort-core", "--bench", "revisions"],
    );
    revisions.env("RETORT_PYTHON", &python);
    run(&mut revisions)?;
    let mut history = cmd(
        "cargo",
        &["bench", "-p", "retort-core", "--bench", "history"],
    );
    history.env("RETORT_PYTHON", &python);
    run(&mut history)?;
    // Where the time of `retort lint` on a long script goes, then the
    // safety review side by side with squawk and pgfence.
    run(&mut cmd(
        "cargo",
        &[
            "bench",
            "-p",
            "retort-core",
            "--bench",
            "read_sql",
            "--",
            &runs,
        ],
    ))?;
    run(&mut cmd(
        "cargo",
        &["build", "--release", "-p", "retort-cli"],
    ))?;
    run(&mut cmd(
        &python.to_string_lossy(),
        &[
            "tests/lint/compare_peers.py",
            "--retort",
            "target/release/retort",
        ],
    ))?;
    build()?;
    let mut node = cmd("node", &["tests/e2e/bench.mjs", &runs]);
    node.env("RETORT_DIST", root().join("dist"))
        .env("CHROMIUM", CHROMIUM);
    run(&mut node)?;
    // The rehearsal: a 50-revision chain on real Alembic and PostgreSQL
    // (which writes the chain), then the same chain on PGlite in the page.
    let python = ensure_venv()?;
    let peer = root().join("target/bench/rehearsal-peer.json");
    let out = cmd(
        &python.to_string_lossy(),
        &[
            "tests/alembic/bench_rehearsal.py",
            &runs,
            "50",
            "target/bench/chain50",
        ],
    )
    .output()
    .map_err(|e| format!("bench_rehearsal.py: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "bench_rehearsal.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::write(&peer, &out.stdout).map_err(|e| format!("{}: {e}", peer.display()))?;
    let mut node = cmd(
        "node",
        &[
            "tests/e2e/bench-rehearsal.mjs",
            &runs,
            &peer.to_string_lossy(),
        ],
    );
    node.env("RETORT_DIST", root().join("dist"))
        .env("CHROMIUM", CHROMIUM);
    run(&mut node)
}

// ---------------------------------------------------------------- test

/// A ground-truth script of tests/ run with the venv's Python against the
/// debug `retort`: `python SCRIPT --retort target/debug/retort ARGS…`.
fn python_check(script: &str, args: &[&str]) -> Result {
    let python = ensure_venv()?;
    let mut command = cmd(
        &python.to_string_lossy(),
        &[script, "--retort", "target/debug/retort"],
    );
    command.args(args);
    run(&mut command)
}

fn test() -> Result {
    let started = Instant::now();
    let mut steps: Vec<(&str, f64)> = Vec::new();
    let mut step = |name: &'static str, f: &mut dyn FnMut() -> Result| -> Result {
        eprintln!("\n==> {name}");
        let t = Instant::now();
        f().map_err(|e| format!("{name}: {e}"))?;
        steps.push((name, t.elapsed().as_secs_f64()));
        Ok(())
    };

    step("setup", &mut setup)?;
    step("format", &mut || {
        run(&mut cmd("cargo", &["fmt", "--all", "--", "--check"]))
    })?;
    step("clippy (native)", &mut || {
        run(&mut cmd(
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ))
    })?;
    step("clippy (wasm32)", &mut || {
        run(&mut cmd(
            "cargo",
            &[
                "clippy",
                "-p",
                "retort-core",
                "-p",
                "retort-app",
                "-p",
                "retort-sql-worker",
                "--all-targets",
                "--target",
                WASM_TARGET,
                "--",
                "-D",
                "warnings",
            ],
        ))
    })?;
    step("tests (native)", &mut || {
        run(&mut cmd("cargo", &["test", "--workspace"]))
    })?;
    step(
        "the model, SQL and revision readers on 100,000 mutated inputs each (release)",
        &mut || {
            let mut mutations = cmd(
                "cargo",
                &[
                    "test",
                    "--release",
                    "-p",
                    "retort-core",
                    "--test",
                    "mutations",
                    "--",
                    "--nocapture",
                ],
            );
            mutations.env("RETORT_MUTATIONS", "100000");
            run(&mut mutations)
        },
    )?;
    step("core tests (wasm32, headless Chromium)", &mut || {
        let mut test = cmd(
            "cargo",
            // As the playground builds it: no `threads` feature.
            &[
                "test",
                "-p",
                "retort-core",
                "--no-default-features",
                "--features",
                "sql",
                "--target",
                WASM_TARGET,
            ],
        );
        test.env("WASM_BINDGEN_USE_BROWSER", "1")
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env(
                "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
                root().join("tests/webdriver.json"),
            );
        run(&mut test)
    })?;
    step(
        "models read like real SQLAlchemy (ground truth)",
        &mut || {
            run(&mut cmd("cargo", &["build", "-p", "retort-cli"]))?;
            python_check(
                "tests/sqlalchemy/check_models.py",
                &["tests/fixtures/models"],
            )
        },
    )?;
    step(
        "real projects' models as shipped on PyPI read like SQLAlchemy",
        &mut || {
            let python = ensure_venv_of(PROJECTS_VENV, "tests/sqlalchemy/projects.txt")?;
            for script in [
                "tests/sqlalchemy/real_projects.py",
                "tests/alembic/check_real_upgrades.py",
            ] {
                run(&mut cmd(
                    &python.to_string_lossy(),
                    &[script, "--retort", "target/debug/retort"],
                ))?;
            }
            Ok(())
        },
    )?;
    step(
        "retort check agrees with alembic check in real projects, no database",
        &mut || {
            let python = ensure_venv_of(PROJECTS_VENV, "tests/sqlalchemy/projects.txt")?;
            run(&mut cmd(
                &python.to_string_lossy(),
                &[
                    "tests/alembic/check_project.py",
                    "--retort",
                    "target/debug/retort",
                ],
            ))
        },
    )?;
    step(
        "revisions equal real Alembic autogenerate on PostgreSQL",
        &mut || {
            python_check(
                "tests/alembic/check_revisions.py",
                &["tests/fixtures/pairs"],
            )
        },
    )?;
    step(
        "offline SQL equals `alembic upgrade/downgrade --sql`",
        &mut || {
            python_check(
                "tests/alembic/check_offline_sql.py",
                &["tests/fixtures/pairs"],
            )
        },
    )?;
    step(
        "real projects' migration folders read as Alembic reads them",
        &mut || python_check("tests/alembic/check_history.py", &[]),
    )?;
    step(
        "revisions upgrade and downgrade on PostgreSQL with seed rows",
        &mut || python_check("tests/alembic/check_upgrades.py", &["tests/fixtures/pairs"]),
    )?;
    step(
        "rehearsed commands equal real Alembic's on PostgreSQL, command by command",
        &mut || python_check("tests/alembic/check_rehearsal.py", &["tests/fixtures"]),
    )?;
    step(
        "Alembic's revisions after retort lint --fix run both ways on PostgreSQL",
        &mut || {
            python_check(
                "tests/alembic/check_upgrades.py",
                &["tests/fixtures/pairs", "--fixed"],
            )
        },
    )?;
    step(
        "models round-trip through PostgreSQL (create_all, pg_dump, SQL reader)",
        &mut || {
            python_check(
                "tests/sqlalchemy/check_roundtrip.py",
                &["tests/fixtures/models"],
            )
        },
    )?;
    step(
        "pip wheel, pre-commit hooks and the GitHub Action, used as users would",
        &mut || {
            let python =
                ensure_venv_of("target/venv-packaging", "tests/packaging/requirements.txt")?;
            run(&mut cmd(
                &python.to_string_lossy(),
                &["tests/packaging/check_install.py"],
            ))
        },
    )?;
    step("release build (dist/)", &mut build)?;
    step("end-to-end (Playwright, headless Chromium)", &mut || {
        let dir = root().join("tests/e2e");
        let mut files: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| format!("cannot list tests/e2e: {e}"))?
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".test.mjs"))
            .map(|name| format!("tests/e2e/{name}"))
            .collect();
        files.sort();
        let mut node = cmd("node", &["--test", "--test-concurrency=1"]);
        node.args(&files)
            .env("RETORT_DIST", root().join("dist"))
            .env("CHROMIUM", CHROMIUM);
        run(&mut node)
    })?;

    eprintln!(
        "\nall checks passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    for (name, seconds) in steps {
        eprintln!("  {seconds:>7.1} s  {name}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_version_from_a_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version_in(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(locked_version_in(lock, "wasm-bindgen-macro"), None);
    }

    /// Trunk runs the wasm-bindgen CLI pinned in Trunk.toml; setup installs the
    /// one in Cargo.lock. They must agree or Trunk refuses the module.
    #[test]
    fn trunk_pins_the_locked_wasm_bindgen() {
        let trunk = fs::read_to_string(root().join("Trunk.toml")).unwrap();
        let locked = locked_version("wasm-bindgen").unwrap();
        assert!(
            trunk.contains(&format!("wasm_bindgen = \"{locked}\"")),
            "Trunk.toml must pin wasm_bindgen = \"{locked}\" (the version in Cargo.lock)"
        );
    }

    #[test]
    fn trunk_pins_the_wasm_opt_of_www() {
        let trunk = fs::read_to_string(root().join("Trunk.toml")).unwrap();
        let package = fs::read_to_string(root().join("www/package.json")).unwrap();
        let version = package
            .lines()
            .find_map(|l| l.trim().strip_prefix("\"binaryen\": \""))
            .and_then(|rest| rest.split('.').next())
            .expect("www/package.json pins binaryen");
        assert!(
            trunk.contains(&format!("wasm_opt = \"version_{version}\"")),
            "Trunk.toml must name wasm_opt = \"version_{version}\" (binaryen in www/package.json)"
        );
    }
}
