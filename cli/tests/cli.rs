//! The `retort` binary, run as a process.

use std::process::Command;

fn retort(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .output()
        .expect("the retort binary runs")
}

#[test]
fn version_prints_the_package_version() {
    let out = retort(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("retort {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_arguments_prints_usage_and_exits_2() {
    let out = retort(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: retort"));
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = retort(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand"));
}
