//! `retort` inside an Alembic project, run as a process: discovery, `check`,
//! `schema --at`, `revision [--autogenerate]`, and what each says when the
//! project cannot be followed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn retort_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the retort binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of a fixture project in a fresh temp folder.
fn project(name: &str, test: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/projects")
        .join(name);
    let to = std::env::temp_dir().join(format!("retort-project-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    copy(&from, &to);
    to
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the temp dir can be created");
    for entry in std::fs::read_dir(from)
        .expect("the fixture is there")
        .flatten()
    {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("the fixture file copies");
        }
    }
}

#[test]
fn check_finds_the_project_from_a_folder_below_it() {
    let dir = project("plain", "below");
    let out = retort_in(&dir.join("migrations/versions"), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "No new upgrade operations detected.\n");
}

#[test]
fn check_reports_drift_in_alembics_words_from_pyproject_config() {
    let dir = project("drift", "drift");
    let out = retort_in(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "FAILED: New upgrade operations detected: [('add_index', None, 'posts', 'ix_posts_title'), ('add_column', None, 'users', 'name')]"
        ),
        "{}",
        text(&out.stderr)
    );
    let json = retort_in(&dir, &["check", "--format", "json"]);
    assert!(text(&json.stdout).contains("\"kind\": \"add_column\""));
}

#[test]
fn check_honours_include_object_and_compare_server_default() {
    let dir = project("hooks", "hooks");
    let out = retort_in(&dir, &["check"]);
    let stderr = text(&out.stderr);
    // legacy_audit is in the database only: the hook keeps it out.
    assert!(!stderr.contains("legacy_audit"), "{stderr}");
    assert!(
        stderr.contains("('modify_default', None, 'accounts', 'score')"),
        "{stderr}"
    );
}

#[test]
fn revision_autogenerate_writes_the_next_revision_into_the_project() {
    let dir = project("drift", "autogen");
    let out = retort_in(
        &dir,
        &[
            "revision",
            "--autogenerate",
            "-m",
            "Add the user's name",
            "--rev-id",
            "abcdefabcdef",
            "--no-safe",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let path = dir.join("migrations/versions/abcdefabcdef_add_the_user_s_name.py");
    assert!(text(&out.stdout).contains("abcdefabcdef_add_the_user_s_name.py ...  done"));
    let written = std::fs::read_to_string(&path).expect("the revision is written");
    assert!(written.contains("down_revision: Union[str, Sequence[str], None] = '2b3c4d5e6f70'"));
    assert!(written.contains(
        "op.add_column('users', sa.Column('name', sa.String(length=100), nullable=True))"
    ));
    // Now the models and the head agree.
    let check = retort_in(&dir, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    // An empty revision, as `alembic revision -m` writes it.
    let empty = retort_in(
        &dir,
        &["revision", "-m", "data fix", "--rev-id", "feedfeedfeed"],
    );
    assert!(empty.status.success());
    let written = std::fs::read_to_string(dir.join("migrations/versions/feedfeedfeed_data_fix.py"))
        .expect("the empty revision is written");
    assert!(written.contains("= 'abcdefabcdef'\n"));
    assert!(
        written.contains("def upgrade() -> None:\n    \"\"\"Upgrade schema.\"\"\"\n    pass\n")
    );
}

#[test]
fn revision_refuses_two_heads_as_alembic_does() {
    let dir = project("plain", "heads");
    let versions = dir.join("migrations/versions");
    let second = std::fs::read_to_string(versions.join("2b3c4d5e6f70_create_posts.py"))
        .expect("the fixture revision")
        .replace("2b3c4d5e6f70", "3c3c3c3c3c3c")
        .replace("'posts'", "'other_posts'");
    std::fs::write(versions.join("3c3c3c3c3c3c_other.py"), second).expect("written");
    let out = retort_in(&dir, &["revision", "--autogenerate", "-m", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Multiple heads are present"),
        "{}",
        text(&out.stderr)
    );
    let out = retort_in(
        &dir,
        &[
            "revision",
            "-m",
            "x",
            "--head",
            "3c3c3c3c3c3c",
            "--rev-id",
            "4d4d4d4d4d4d",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn schema_at_replays_the_projects_head() {
    let dir = project("plain", "schema");
    let out = retort_in(&dir, &["schema", "--at", "head"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("posts\n"));
    let base = retort_in(&dir, &["schema", "--at", "1a2b3c4d5e6f"]);
    assert!(!text(&base.stdout).contains("posts\n"));
}

#[test]
fn no_project_is_said_with_what_to_do() {
    let dir = std::env::temp_dir().join(format!("retort-noproject-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = retort_in(&dir, &["check", "--config", "nowhere.ini"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nowhere.ini: no such configuration file"));
}

#[test]
fn a_missing_script_location_names_the_file_and_line() {
    let dir = project("plain", "location");
    let ini = std::fs::read_to_string(dir.join("alembic.ini"))
        .expect("ini")
        .replace("%(here)s/migrations", "%(here)s/nowhere");
    std::fs::write(dir.join("alembic.ini"), ini).expect("written");
    let out = retort_in(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("alembic.ini: script_location (line 4) is"),
        "{stderr}"
    );
    assert!(stderr.contains("nowhere, which does not exist"), "{stderr}");
}

#[test]
fn a_dynamic_target_metadata_suggests_naming_the_models() {
    let dir = project("plain", "dynamic");
    let env = dir.join("migrations/env.py");
    let source = std::fs::read_to_string(&env).expect("env.py").replace(
        "target_metadata = Base.metadata",
        "target_metadata = build_metadata()",
    );
    std::fs::write(&env, source).expect("written");
    let out = retort_in(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("env.py:"), "{stderr}");
    assert!(
        stderr.contains("`build_metadata(…)` is computed when env.py runs"),
        "{stderr}"
    );
    assert!(stderr.contains("--models PATH"), "{stderr}");
    // Named, it is read.
    let named = retort_in(&dir, &["check", "--models", "app/models.py"]);
    assert_eq!(named.status.code(), Some(0), "{}", text(&named.stderr));
    // Or named once in pyproject.toml, relative to it.
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.retort]\nmodels = [\"app/models.py\"]\n",
    )
    .expect("written");
    let configured = retort_in(&dir.join("migrations"), &["check"]);
    assert_eq!(
        configured.status.code(),
        Some(0),
        "{}",
        text(&configured.stderr)
    );
}

#[test]
fn history_marks_the_rows_of_a_dump_as_current() {
    let dir = project("plain", "history");
    let dump = dir.join("dump.sql");
    std::fs::write(
        &dump,
        "CREATE TABLE public.alembic_version (version_num character varying(32) NOT NULL);\n\
         COPY public.alembic_version (version_num) FROM stdin;\n1a2b3c4d5e6f\n\\.\n",
    )
    .expect("written");
    let versions = dir.join("migrations/versions");
    let versions = versions.to_str().expect("utf-8 path");
    let out = retort_in(
        &dir,
        &[
            "history",
            "--indicate-current",
            "--current-from",
            "dump.sql",
            versions,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("<base> -> 1a2b3c4d5e6f (current), create users"),
        "{}",
        text(&out.stdout)
    );
    let out = retort_in(&dir, &["history", "--indicate-current", versions]);
    assert_eq!(out.status.code(), Some(2));
    // The offline script of `upgrade 1a2b3c4d5e6f:head`, as the dump: head.
    let script = retort_in(&dir, &["upgrade", "1a2b3c4d5e6f:head", "--sql"]);
    assert!(text(&script.stdout).contains("UPDATE alembic_version SET version_num='2b3c4d5e6f70' WHERE alembic_version.version_num = '1a2b3c4d5e6f';"));
    let refused = retort_in(&dir, &["downgrade", "-1", "--sql"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("downgrade with --sql requires <fromrev>:<torev>"));
}

#[test]
fn no_alembic_ini_above_says_what_to_do() {
    let dir = std::env::temp_dir().join(format!("retort-noini-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    if dir.ancestors().any(|d| d.join("alembic.ini").is_file()) {
        return; // the machine has an alembic.ini above the temp folder
    }
    let out = retort_in(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no alembic.ini (or pyproject.toml with [tool.alembic])"),
        "{stderr}"
    );
    assert!(stderr.contains("--config path/to/alembic.ini"), "{stderr}");
}

#[test]
fn a_package_resource_script_location_is_found_on_the_paths() {
    let dir = project("plain", "resource");
    let inside = dir.join("app/db");
    std::fs::create_dir_all(&inside).expect("dir");
    std::fs::rename(dir.join("migrations"), inside.join("migrations")).expect("moved");
    let ini = std::fs::read_to_string(dir.join("alembic.ini"))
        .expect("ini")
        .replace("%(here)s/migrations", "app:db:migrations");
    std::fs::write(dir.join("alembic.ini"), ini).expect("written");
    let out = retort_in(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
