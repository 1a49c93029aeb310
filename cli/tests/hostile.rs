//! Every subcommand against what a shell and a file system can throw at
//! it: a reader that closes the pipe, files that cannot be read, a folder
//! where a file is expected, bytes that are not UTF-8, a binary, and a
//! 50 MB file. Each ends with a message and a documented exit code, never
//! a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(path: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(path)
        .display()
        .to_string()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("retort-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temp dir can be created");
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs retort with `stdout` as its standard output.
fn run(args: &[String], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .stdout(stdout)
        .stdin(Stdio::null())
        .output()
        .expect("the retort binary runs")
}

fn no_panic(args: &[String], out: &Output) {
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "retort {args:?} panicked: {stderr}"
    );
    assert!(out.status.code().is_some(), "retort {args:?} was killed");
}

/// Each subcommand, with arguments that make it print.
fn printing_commands() -> Vec<Vec<String>> {
    let history = fixture("history/branched");
    let pair = fixture("pairs/01_create_table");
    let first = fixture("history/branched/1a2b3c4d5e6f_create_accounts.py");
    [
        vec!["schema", &format!("{pair}/after.py")],
        vec!["schema", "--format", "json", &format!("{pair}/after.py")],
        vec![
            "revision",
            "--from",
            &format!("{pair}/before.py"),
            "--to",
            &format!("{pair}/after.py"),
            "-m",
            "x",
        ],
        vec!["sql", &first],
        vec!["upgrade", "head", "--sql", "--versions", &history],
        vec!["downgrade", "head:base", "--sql", "--versions", &history],
        vec!["rehearse", &history, "--", "upgrade", "head"],
        vec!["history", &history],
        vec!["heads", &history],
        vec!["branches", &history],
        vec!["show", "1a2b3c4d5e6f", &history],
        vec!["check", &history],
        vec!["lint", &history],
        vec!["lint", "--format", "json", &history],
        vec!["lint", "--format", "sarif", &history],
        vec!["lint", "--format", "github", &history],
        vec!["checklist", &history],
        vec!["checklist", "--format", "markdown", &history],
        vec!["rule"],
        vec!["rule", "missing-downgrade"],
        vec!["about"],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(str::to_string).collect())
    .collect()
}

#[test]
fn a_reader_that_closes_the_pipe_ends_every_command_quietly_with_141() {
    for args in printing_commands() {
        // What it prints when read to the end: the command does print.
        let full = run(&args, Stdio::piped());
        no_panic(&args, &full);
        assert!(!full.stdout.is_empty(), "retort {args:?} printed nothing");

        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let out = run(&args, Stdio::from(writer));
        no_panic(&args, &out);
        assert_eq!(
            out.status.code(),
            Some(141),
            "retort {args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            !text(&out.stderr).contains("Broken pipe"),
            "retort {args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// The commands that take a file, given `path`; and those that take a
/// versions folder, given `path`.
fn commands_on(path: &str) -> Vec<Vec<String>> {
    let pair = fixture("pairs/01_create_table");
    [
        vec!["schema", path],
        vec![
            "revision",
            "--from",
            &format!("{pair}/before.py"),
            "--to",
            path,
            "-m",
            "x",
        ],
        vec!["sql", path],
        vec!["lint", path],
        vec!["checklist", path],
        vec!["history", path],
        vec!["heads", path],
        vec!["check", path],
        vec!["upgrade", "head", "--sql", "--versions", path],
        vec!["rehearse", path, "--", "upgrade", "head"],
        vec!["schema", "--at", "head", path],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(str::to_string).collect())
    .collect()
}

#[test]
fn files_that_cannot_be_read_are_named_with_exit_2() {
    let dir = fresh_dir("unreadable");
    // A symlink to itself: no user, root included, can open it.
    let looped = dir.join("loop.py");
    std::os::unix::fs::symlink(&looped, &looped).expect("a symlink");
    let not_utf8 = dir.join("latin1.py");
    std::fs::write(&not_utf8, b"# caf\xe9\nrevision = 'a'\n").expect("written");
    let binary = dir.join("binary.py");
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    bytes[0] = 0x7f;
    std::fs::write(&binary, &bytes).expect("written");
    for (path, says) in [
        (&looped, "cannot read"),
        (&not_utf8, "not UTF-8"),
        (&binary, "not UTF-8"),
    ] {
        let shown = path.display().to_string();
        for args in commands_on(&shown) {
            let out = run(&args, Stdio::piped());
            no_panic(&args, &out);
            let stderr = text(&out.stderr);
            assert!(stderr.contains(&shown), "retort {args:?}: {stderr}");
            // A file where a folder is expected is said as such.
            let folder_command = matches!(
                args[0].as_str(),
                "history" | "heads" | "check" | "upgrade" | "rehearse"
            ) || args.get(1).is_some_and(|a| a == "--at");
            let expected = if folder_command && path != &looped {
                "cannot read the folder"
            } else {
                says
            };
            assert!(stderr.contains(expected), "retort {args:?}: {stderr}");
            // lint reports a file it opens and cannot review as a finding
            // (exit 1) and goes on; a path it cannot open, and any bad
            // input of the other commands, is exit 2.
            let code = if args[0] == "lint" && path != &looped {
                1
            } else {
                2
            };
            assert_eq!(out.status.code(), Some(code), "retort {args:?}: {stderr}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_folder_where_a_file_is_expected_is_said() {
    let dir = fresh_dir("folder");
    let folder = dir.join("models.py");
    std::fs::create_dir_all(&folder).expect("a folder");
    let shown = folder.display().to_string();
    let out = run(&["sql".to_string(), shown.clone()], Stdio::piped());
    no_panic(&[], &out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("cannot read"),
        "{}",
        text(&out.stderr)
    );
    // A model folder with no Python in it.
    let out = run(&["schema".to_string(), shown.clone()], Stdio::piped());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no Python files"));
    // An empty versions folder is an empty history, as for Alembic.
    for command in ["history", "heads", "lint"] {
        let args = [command.to_string(), shown.clone()];
        let out = run(&args, Stdio::piped());
        no_panic(&args, &out);
        assert_eq!(out.status.code(), Some(0), "retort {args:?}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_50_mb_file_is_read_or_refused_without_a_panic() {
    let dir = fresh_dir("big");
    let big = dir.join("big_models.py");
    let mut source = String::from(
        "from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
    );
    let mut i = 0;
    while source.len() < 50 * 1024 * 1024 {
        source.push_str(&format!(
            "\n\nclass T{i}(Base):\n    __tablename__ = 't{i}'\n    id = Column(Integer, primary_key=True)\n"
        ));
        i += 1;
    }
    std::fs::write(&big, &source).expect("written");
    let shown = big.display().to_string();
    // A model file this big is not a revision: lint and sql say so at its
    // first line, and go on.
    for command in ["lint", "sql"] {
        let args = [command.to_string(), shown.clone()];
        let out = run(&args, Stdio::piped());
        no_panic(&args, &out);
        assert_eq!(out.status.code(), Some(1), "retort {args:?}");
        assert!(
            text(&out.stderr).contains(&format!("{shown}:1:1: error: no `revision")),
            "{}",
            text(&out.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
