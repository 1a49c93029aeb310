//! The `retort` binary, run as a process.

use std::process::Command;

fn retort(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(args)
        .output()
        .expect("the retort binary runs")
}

/// An empty folder of the system's temp dir for one test, named after it
/// and this process.
fn fresh_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("retort-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temp dir can be created");
    dir
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

fn fixture(name: &str) -> String {
    format!(
        "{}/../tests/fixtures/models/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("retort-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temp dir can be created");
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("the temp file can be written");
    path
}

#[test]
fn schema_prints_an_outline() {
    let out = retort(&["schema", &fixture("01_declarative_basic.py")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("users\n  id INTEGER NOT NULL PK\n"), "{text}");
    assert!(
        text.contains("  author_id INTEGER NOT NULL → users\n"),
        "{text}"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn schema_prints_json() {
    let out = retort(&["schema", &fixture("06_enums.py"), "--format", "json"]);
    assert!(out.status.success());
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("\"name\": \"ticket_kind\""), "{json}");
    assert!(json.contains("\"type\": \"VARCHAR(5)\""), "{json}");
}

#[test]
fn schema_reports_problems_with_positions_and_still_prints() {
    let path = temp_file(
        "models.py",
        b"from sqlalchemy import Column, Integer\nfrom sqlalchemy.orm import declarative_base\nfrom money import Money\n\nBase = declarative_base()\n\n\nclass Invoice(Base):\n    __tablename__ = \"invoice\"\n    id = Column(Integer, primary_key=True)\n    total = Column(Money)\n",
    );
    let out = retort(&["schema", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:11:20: error: unknown type Money",
            path.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("  help: "), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("  total Money\n"), "{stdout}");
}

#[test]
fn schema_refuses_unreadable_input_with_exit_2() {
    let missing = retort(&["schema", "/nonexistent/models.py"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));

    let latin1 = temp_file("latin1.py", b"# caf\xe9\nx = 1\n");
    let out = retort(&["schema", latin1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(":1:6: error: not UTF-8 (byte 5)"),
        "{stderr}"
    );

    let other = temp_file("schema.txt", b"CREATE TABLE t (id int);\n");
    let out = retort(&["schema", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("and PostgreSQL DDL (.sql)"));
}

#[test]
fn schema_follows_a_models_imports_and_reads_a_package_folder() {
    let dir = fresh_dir("package");
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("app/__init__.py", "");
    write(
        "app/db.py",
        "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\n",
    );
    write(
        "app/models/__init__.py",
        "from .user import User\nfrom .post import Post\n",
    );
    write(
        "app/models/user.py",
        "from sqlalchemy.orm import Mapped, mapped_column\nfrom app.db import Base\n\
         class User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n",
    );
    write(
        "app/models/post.py",
        "from sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import Mapped, mapped_column\n\
         from ..db import Base\nclass Post(Base):\n    __tablename__ = 'posts'\n    \
         id: Mapped[int] = mapped_column(primary_key=True)\n    \
         user_id: Mapped[int] = mapped_column(ForeignKey('users.id'))\n    x = mapped_column(Mystery)\n",
    );
    let file = dir.join("app/models/post.py");
    let folder = dir.join("app/models");
    for given in [&file, &folder] {
        let out = retort(&["schema", given.to_str().expect("utf-8")]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stdout.starts_with("users\n"), "{stdout}");
        assert!(
            stdout.contains("user_id INTEGER NOT NULL → users"),
            "{stdout}"
        );
        // The diagnostic is the file's, at its line.
        assert!(
            stderr.contains("post.py:8:23: error: unknown type Mystery"),
            "{stderr}"
        );
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn schema_reads_sql_ddl_with_positioned_diagnostics() {
    let sql = temp_file(
        "ddl.sql",
        b"CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL);\n\
          CREATE TABLE oops (id int,, x);\n\
          CREATE INDEX ix_users_email ON users (lower(email));\n",
    );
    let out = retort(&["schema", sql.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("users\n  id INTEGER NOT NULL PK\n  email VARCHAR(255) NOT NULL\n"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ddl.sql:2:27: error: cannot read this statement"),
        "{stderr}"
    );

    let out = retort(&[
        "schema",
        sql.to_str().unwrap(),
        "--format",
        "json",
        "--database-form",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["tables"][0]["primary_key"]["name"], "users_pkey");
    assert_eq!(
        json["tables"][0]["indexes"][0]["expressions"][0],
        "lower(email)"
    );
}

fn pair(name: &str, file: &str) -> String {
    format!(
        "{}/../tests/fixtures/pairs/{name}/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn revision_prints_what_alembic_writes_with_no_safe() {
    let out = retort(&[
        "revision",
        "--from",
        &pair("02_add_column", "before.py"),
        "--to",
        &pair("02_add_column", "after.py"),
        "-m",
        "add post summary",
        "--rev-id",
        "0123456789ab",
        "--no-safe",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("\"\"\"add post summary\n\nRevision ID: 0123456789ab\nRevises: \n"));
    assert!(text.contains(
        "    op.add_column('posts', sa.Column('published', sa.Boolean(), server_default=sa.text('false'), nullable=False))\n"
    ));
    assert!(text.contains("    op.drop_column('posts', 'summary')\n"));
}

#[test]
fn a_not_null_column_becomes_three_chained_revision_files() {
    let dir = fresh_dir("cli-versions");
    let out = retort(&[
        "revision",
        "--from",
        &pair("51_add_not_null_column", "before.py"),
        "--to",
        &pair("51_add_not_null_column", "after.py"),
        "-m",
        "user handles",
        "--rev-id",
        "0123456789ab",
        "--backfill",
        "users.handle='user_' || id",
        "--versions",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The column without --backfill is named in a warning.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("users.signup_year is NOT NULL without a default: existing rows get 0"),
        "{stderr}"
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "{files:?}");
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    let first = texts
        .iter()
        .find(|t| t.contains("Revision ID: 0123456789ab\n"))
        .unwrap();
    assert!(first.contains("nullable=True))"));
    let backfill = texts
        .iter()
        .find(|t| t.contains("(2/3: backfill)"))
        .unwrap();
    assert!(backfill.contains("Revises: 0123456789ab\n"));
    assert!(backfill.contains("UPDATE users SET handle = 'user_' || id WHERE handle IS NULL"));
    let last = texts
        .iter()
        .find(|t| t.contains("(3/3: set NOT NULL)"))
        .unwrap();
    assert!(last.contains("nullable=False)"));
}

#[test]
fn revision_usage_errors_exit_2_and_bad_models_exit_1_with_the_revision_still_written() {
    let out = retort(&[
        "revision",
        "--from",
        &pair("02_add_column", "before.py"),
        "--to",
        &pair("02_add_column", "after.py"),
        "--backfill",
        "no-equals-sign",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected TABLE.COLUMN=EXPR"));

    let broken = temp_file(
        "broken_after.py",
        b"from sqlalchemy import Column, Integer, MetaData, Table\n\nt = Table('t', MetaData(), Column('id', Integer))\nclass (:\n",
    );
    let empty = temp_file(
        "empty_before.py",
        b"from sqlalchemy import MetaData\nm = MetaData()\n",
    );
    let out = retort(&[
        "revision",
        "--from",
        empty.to_str().unwrap(),
        "--to",
        broken.to_str().unwrap(),
        "--rev-id",
        "0123456789ab",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken_after.py:4:"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("op.create_table('t',"));
}

#[test]
fn foreign_keys_in_a_cycle_are_an_error_at_the_table_and_the_revision_is_still_written() {
    let before = temp_file(
        "cycle_before.py",
        b"from sqlalchemy import MetaData\nm = MetaData()\n",
    );
    let after = temp_file(
        "cycle_after.py",
        b"from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table\n\nm = MetaData()\na = Table('a', m, Column('id', Integer, primary_key=True), Column('b_id', ForeignKey('b.id')))\nb = Table('b', m, Column('id', Integer, primary_key=True), Column('a_id', ForeignKey('a.id')))\nc = Table('c', m, Column('id', Integer, primary_key=True), Column('a_id', ForeignKey('a.id')))\n",
    );
    let out = retort(&[
        "revision",
        "--from",
        before.to_str().unwrap(),
        "--to",
        after.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cycle_after.py:4:")
            && stderr.contains("the new tables a, b reference each other"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("op.create_table('c',"), "{stdout}");
}

#[test]
fn revision_sql_prints_what_alembic_upgrade_and_downgrade_sql_print() {
    let args = |direction: &'static str| {
        retort(&[
            "revision",
            "--from",
            &pair("51_add_not_null_column", "before.py"),
            "--to",
            &pair("51_add_not_null_column", "after.py"),
            "--rev-id",
            "0123456789ab",
            "--sql",
            direction,
        ])
    };
    let up = args("upgrade");
    assert_eq!(up.status.code(), Some(0));
    let text = String::from_utf8_lossy(&up.stdout);
    assert!(
        text.starts_with("BEGIN;\n\nCREATE TABLE alembic_version ("),
        "{text}"
    );
    assert_eq!(text.matches("-- Running upgrade").count(), 3, "{text}");
    assert!(text.contains("ALTER TABLE users ALTER COLUMN handle SET NOT NULL;"));
    assert!(!text.contains("def upgrade"));
    let down = args("downgrade");
    let text = String::from_utf8_lossy(&down.stdout);
    assert!(
        text.contains("ALTER TABLE users DROP COLUMN handle;"),
        "{text}"
    );
    assert!(text.ends_with(
        "DELETE FROM alembic_version WHERE alembic_version.version_num = '0123456789ab';\n\nCOMMIT;\n\n"
    ));
}

#[test]
fn sql_reads_revision_files_in_chain_order_and_reports_what_it_cannot_read() {
    let dir = fresh_dir("sql");
    let out = retort(&[
        "revision",
        "--from",
        &pair("51_add_not_null_column", "before.py"),
        "--to",
        &pair("51_add_not_null_column", "after.py"),
        "--rev-id",
        "0123456789ab",
        "--versions",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 3);
    // Any order on the command line: the chain decides.
    files.sort();
    files.reverse();
    let mut args = vec!["sql"];
    args.extend(files.iter().map(String::as_str));
    let out = retort(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_files = String::from_utf8_lossy(&out.stdout).into_owned();
    let from_models = retort(&[
        "revision",
        "--from",
        &pair("51_add_not_null_column", "before.py"),
        "--to",
        &pair("51_add_not_null_column", "after.py"),
        "--rev-id",
        "0123456789ab",
        "--sql",
    ]);
    assert_eq!(from_files, String::from_utf8_lossy(&from_models.stdout));

    let helper = temp_file(
        "helper_revision.py",
        b"from alembic import op\n\nrevision = 'aa'\ndown_revision = None\n\n\ndef upgrade():\n    op.drop_column('t', 'a')\n    migrate_data(op)\n",
    );
    let out = retort(&["sql", helper.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("helper_revision.py:9:5: warning: not read"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ALTER TABLE t DROP COLUMN a;"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn history_fixture() -> String {
    format!(
        "{}/../tests/fixtures/history/branched",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn history_heads_branches_and_show_print_what_alembic_prints() {
    let dir = history_fixture();
    let out = retort(&["history", &dir]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(
            "3c4d5e6f7081, 4d5e6f708192 -> 5e6f708192a3 (billing) (head) (mergepoint), merge billing"
        )
    );
    assert_eq!(
        lines.last().copied(),
        Some("<base> -> 1a2b3c4d5e6f, create accounts")
    );
    assert_eq!(lines.len(), 5);

    let out = retort(&["history", &dir, "-r", "2b3c:4d5e"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "2b3c4d5e6f70 -> 4d5e6f708192, add name",
            "1a2b3c4d5e6f -> 2b3c4d5e6f70 (branchpoint), add email"
        ]
    );

    let out = retort(&["heads", &dir]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "5e6f708192a3 (billing) (head)\n"
    );
    let out = retort(&["branches", &dir]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("             -> 3c4d5e6f7081 (billing)")
    );
    let out = retort(&["show", "billing@head", &dir]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(
        "Rev: 5e6f708192a3 (head) (mergepoint)\nMerges: 3c4d5e6f7081, 4d5e6f708192\n"
    ));
    let out = retort(&["show", "1", &dir]);
    assert_eq!(out.status.code(), Some(0), "a unique prefix");
    let out = retort(&["check", &dir]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn broken_histories_are_reported_with_positions_and_the_rest_is_listed() {
    let dir = fresh_dir("broken");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "a_base.py",
        "\"\"\"base\"\"\"\nrevision = 'aaa'\ndown_revision = None\n\ndef upgrade():\n    op.drop_column('t', 'x')\n\ndef downgrade():\n    pass\n",
    );
    write(
        "b_orphan.py",
        "\"\"\"orphan\"\"\"\nrevision = 'bbb'\ndown_revision = 'zzz'\n\ndef upgrade():\n    op.drop_column('t', 'y')\n\ndef downgrade():\n    raise NotImplementedError()\n",
    );
    write(
        "c_dup.py",
        "\"\"\"dup\"\"\"\nrevision = 'aaa'\ndown_revision = None\n",
    );
    write(
        "d_syntax.py",
        "\"\"\"bad\"\"\"\nrevision = 'ddd'\ndown_revision = 'aaa'\ndef upgrade(:\n",
    );
    std::fs::write(dir.join("e_binary.py"), b"revision = '\xff\xfe'\n").unwrap();
    let out = retort(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "a_base.py:8:1: error: downgrade() is empty",
        "b_orphan.py:8:1: error: downgrade() raises NotImplementedError",
        "revision zzz referenced from bbb is not present",
        "revision aaa is present more than once",
        "d_syntax.py:4:13: error: syntax error",
        "e_binary.py:1:13: error: not UTF-8",
        "c_dup.py:1:1: error: no upgrade() function",
    ] {
        assert!(
            stderr.contains(expected),
            "missing {expected:?} in:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"));
    // history still lists what it can.
    let out = retort(&["history", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("-> aaa") && stdout.contains("-> bbb"),
        "{stdout}"
    );
    let out = retort(&["show", "q", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such revision"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lint_reports_findings_with_positions_and_exit_codes() {
    let root = env!("CARGO_MANIFEST_DIR");
    let case =
        format!("{root}/../tests/lint/cases/create-index-non-concurrently/020_create_index.py");
    let out = retort(&["lint", &case]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("020_create_index.py:21:5: create-index-non-concurrently"),
        "{text}"
    );
    let json = retort(&["lint", "--format", "json", &case]);
    let json = String::from_utf8_lossy(&json.stdout);
    assert!(
        json.contains("\"line\": 21, \"column\": 5")
            && json.contains("\"rule\": \"create-index-non-concurrently\"")
    );
    let github = retort(&["lint", "--format", "github", &case]);
    assert!(String::from_utf8_lossy(&github.stdout).starts_with("::warning file="));
    let sarif = retort(&["lint", "--format", "sarif", &case]);
    assert!(String::from_utf8_lossy(&sarif.stdout).contains("\"version\": \"2.1.0\""));
    // A migration that must pass: exit 0.
    let clean = format!(
        "{root}/../tests/lint/cases/create-index-non-concurrently/022_create_index_concurrently_safe.py"
    );
    let out = retort(&["lint", &clean]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Usage errors: 2.
    assert_eq!(
        retort(&["lint", "--postgres", "7", &clean]).status.code(),
        Some(2)
    );
    assert_eq!(retort(&["rule", "no-such-rule"]).status.code(), Some(2));
    let explained = retort(&["rule", "set-not-null"]);
    assert!(String::from_utf8_lossy(&explained.stdout).contains("Why is this bad"));
}

#[test]
fn lint_of_a_folder_finds_two_heads_and_survives_binary_files() {
    let dir = fresh_dir("lint");
    for (id, down) in [
        ("base1", "None"),
        ("left2", "'base1'"),
        ("right3", "'base1'"),
    ] {
        std::fs::write(
            dir.join(format!("{id}.py")),
            format!(
                "revision = '{id}'\ndown_revision = {down}\n\ndef upgrade():\n    op.execute(\"SELECT 1\")\n\ndef downgrade():\n    op.execute(\"SELECT 1\")\n"
            ),
        )
        .expect("written");
    }
    std::fs::write(dir.join("blob.sql"), [0xff, 0xfe, 0x00, 0x41]).expect("written");
    let out = retort(&["lint", &dir.to_string_lossy()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout.matches("multiple-heads 2 heads").count(),
        2,
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("blob.sql:1:1: error: not UTF-8"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lint_follows_the_configuration_and_ignore_comments() {
    let dir = fresh_dir("lint-config");
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).expect("created");
    let revision = |id: &str, body: &str| {
        format!(
            "from alembic import op\nimport sqlalchemy as sa\n\nrevision = '{id}'\ndown_revision = None\n\ndef upgrade():\n    op.execute(\"SET lock_timeout = '5s'\")\n{body}\n\ndef downgrade():\n    op.execute(\"SELECT 1\")\n"
        )
    };
    std::fs::write(
        versions.join("a1.py"),
        revision(
            "a1",
            "    op.drop_column('users', 'fax')  # retort: ignore[drop-column] -- unused since 4.2\n    op.drop_table('legacy')\n    op.add_column('users', sa.Column('n', sa.Integer(), nullable=False, server_default='0'))",
        ),
    )
    .expect("written");
    std::fs::write(
        versions.join("legacy_b2.py"),
        revision("b2", "    op.drop_table('old')"),
    )
    .expect("written");
    let path = dir.to_string_lossy().to_string();
    // No configuration: two heads, both drop_tables; the ignored drop_column
    // is not reported; PostgreSQL 18 takes the constant default.
    let out = retort(&["lint", "--format", "json", &path]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        json.matches("\"rule\": \"drop-table\"").count(),
        2,
        "{json}"
    );
    assert!(
        !json.contains("drop-column") && !json.contains("add-not-null"),
        "{json}"
    );
    // pyproject.toml: PostgreSQL 10 (where the default rewrites the table),
    // drop-table off, the legacy file excluded, two rules down to info.
    std::fs::write(
        dir.join("pyproject.toml"),
        "[project]\nname = \"app\"\n\n[tool.retort]\npostgres = 10\ndisable = [\"drop-table\"]\nexclude = [\"versions/legacy_*.py\"]\n\n[tool.retort.severity]\nadd-column-volatile-default = \"info\"\nstatements-after-exclusive-lock = \"info\"\n",
    )
    .expect("written");
    let out = retort(&["lint", "--format", "json", &path]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(
        !json.contains("drop-table") && !json.contains("legacy_b2"),
        "{json}"
    );
    assert!(
        json.contains("\"rule\": \"add-column-volatile-default\", \"severity\": \"info\""),
        "{json}"
    );
    assert_eq!(out.status.code(), Some(0), "info only: {json}");
    // The command line wins over the configuration.
    let out = retort(&["lint", "--postgres", "18", "--format", "json", &path]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("add-column-volatile-default"));
    // retort.toml beats pyproject.toml in the same folder; errors exit 2
    // with the file and position.
    std::fs::write(
        dir.join("retort.toml"),
        "postgres = 18\nenable = [\"drop-tabel\"]\n",
    )
    .expect("written");
    let out = retort(&["lint", &path]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("retort.toml:1:1: error: no rule `drop-tabel`"),
        "{stderr}"
    );
    std::fs::write(dir.join("retort.toml"), "postgres = 18\nexclude = 3\n").expect("written");
    let out = retort(&["lint", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retort.toml:2:11: error"));
    // --no-config ignores them all.
    let out = retort(&["lint", "--no-config", "--format", "json", &path]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lint_fix_rewrites_the_file_and_reports_what_is_left() {
    let dir = fresh_dir("lint-fix");
    let path = dir.join("0001_index.py");
    let source = "from alembic import op\nimport sqlalchemy as sa\n\nrevision = '0001'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_index('ix_event_at', 'event', ['at'])  # keep me\n    op.drop_table('legacy')\n\n\ndef downgrade():\n    op.drop_index('ix_event_at', table_name='event')\n";
    std::fs::write(&path, source).expect("written");
    let file = path.to_string_lossy().to_string();
    // JSON carries the fix with 1-based positions.
    let json = retort(&["lint", "--no-config", "--format", "json", &file]);
    let json = String::from_utf8_lossy(&json.stdout);
    assert!(
        json.contains("\"applicability\": \"safe\", \"edits\": [{\"line\": 9, \"column\": 5"),
        "{json}"
    );
    let out = retort(&["lint", "--no-config", "--fix", &file]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Two in upgrade(), one in downgrade(): its DROP INDEX too.
    assert!(stdout.contains("Fixed 3 problems."), "{stdout}");
    // drop-table has no fix: still reported, exit 1.
    assert!(stdout.contains("drop-table"), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
    let fixed = std::fs::read_to_string(&path).expect("read");
    assert!(
        fixed.contains(
            "    op.execute(\"SET lock_timeout = '5s'\")\n    with op.get_context().autocommit_block():\n        op.create_index('ix_event_at', 'event', ['at'], postgresql_concurrently=True)  # keep me\n"
        ),
        "{fixed}"
    );
    assert!(
        fixed.contains(
            "def downgrade():\n    with op.get_context().autocommit_block():\n        op.drop_index('ix_event_at', table_name='event', postgresql_concurrently=True)\n"
        ),
        "{fixed}"
    );
    // Fixing again changes nothing.
    let again = retort(&["lint", "--no-config", "--fix", &file]);
    assert!(!String::from_utf8_lossy(&again.stdout).contains("Fixed"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), fixed);
    // --unsafe-fixes needs --fix.
    assert_eq!(
        retort(&["lint", "--unsafe-fixes", &file]).status.code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lint_reads_a_100000_statement_script_from_stdin() {
    use std::io::Write;
    let mut sql = String::from("SET lock_timeout = '5s';\n");
    for i in 0..99_999 {
        sql.push_str(&match i % 5 {
            0 => format!("ALTER TABLE accounts ADD COLUMN c{i} integer;\n"),
            1 => format!("CREATE INDEX ix_{i} ON accounts (c{});\n", i - 1),
            2 => format!("CREATE TABLE t{i} (id bigint PRIMARY KEY);\n"),
            3 => format!("ALTER TABLE t{} ADD COLUMN n text NOT NULL;\n", i - 1),
            // One statement in 20,000 does not parse.
            _ if i % 20_000 == 4 => "ALTER TABLE accounts ADD COLUMN ;\n".to_string(),
            _ => format!("UPDATE accounts SET c{} = 0;\n", i - 4),
        });
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_retort"))
        .args(["lint", "--no-config", "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("retort runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(sql.as_bytes()));
    let out = child.wait_with_output().expect("retort finishes");
    writer.join().expect("joined").expect("written");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Every index on the existing table is reported; none on new tables.
    assert_eq!(
        stdout
            .matches("\"rule\": \"create-index-non-concurrently\"")
            .count(),
        20_000
    );
    assert_eq!(
        stdout
            .matches("add-not-null-column-without-default")
            .count(),
        0
    );
    // The statements that do not parse: a diagnostic with their line each.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("error:").count(), 5, "{stderr}");
    assert!(stderr.contains("-:6:"), "{stderr}");
}

#[test]
fn rehearse_plans_and_schema_at_replays_a_folder() {
    let dir = history_fixture();
    // From one side of the branch, +1 runs the other side, then the merge.
    let out = retort(&[
        "rehearse",
        &dir,
        "--current",
        "3c4d5e6f7081",
        "--",
        "upgrade",
        "+1",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains(
        "INFO  [alembic.runtime.migration] Running upgrade 3c4d5e6f7081, 4d5e6f708192 -> 5e6f708192a3, merge billing"
    ));
    let sql = String::from_utf8_lossy(&out.stdout);
    assert!(sql.starts_with("BEGIN;") && sql.trim_end().ends_with("COMMIT;"));
    // Alembic's words for a bad target, and exit 1.
    let out = retort(&["rehearse", &dir, "--", "upgrade", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("FAILED: Can't locate revision identified by 'nowhere'")
    );
    // The schema at a revision, with no database.
    let out = retort(&["schema", "--at", "2b3c", &dir]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "accounts\n  id INTEGER NOT NULL PK\n  c_2b3c4d5e6f70 INTEGER\n"
    );
    let out = retort(&["schema", "--at", "head", &dir]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        6,
        "the four branch columns"
    );
}

#[test]
fn add_column_runs_what_its_column_carries_as_alembic_does() {
    let revision = temp_file(
        "add_column_carries.py",
        b"from alembic import op\nimport sqlalchemy as sa\n\nrevision = 'ac'\ndown_revision = None\n\n\ndef upgrade():\n    op.add_column('users', sa.Column('o', sa.Integer(), sa.ForeignKey('orgs.id'), nullable=True))\n    op.add_column('users', sa.Column('o2', sa.Integer(), sa.ForeignKey('orgs.id', name='fk_o2', ondelete='CASCADE')))\n    op.add_column('users', sa.Column('q', sa.Integer(), unique=True))\n    op.add_column('users', sa.Column('r', sa.Integer(), index=True))\n    op.add_column('users', sa.Column('o3', sa.Integer(), sa.ForeignKey('s.orgs.id')), schema='app')\n",
    );
    let out = retort(&["sql", revision.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    // What `alembic upgrade --sql` (1.20.1) prints for these ops.
    let expected = "ALTER TABLE users ADD COLUMN o INTEGER;\n\n\
        ALTER TABLE users ADD FOREIGN KEY(o) REFERENCES orgs (id);\n\n\
        ALTER TABLE users ADD COLUMN o2 INTEGER;\n\n\
        ALTER TABLE users ADD CONSTRAINT fk_o2 FOREIGN KEY(o2) REFERENCES orgs (id) ON DELETE CASCADE;\n\n\
        ALTER TABLE users ADD COLUMN q INTEGER;\n\n\
        ALTER TABLE users ADD UNIQUE (q);\n\n\
        ALTER TABLE users ADD COLUMN r INTEGER;\n\n\
        CREATE INDEX ix_users_r ON users (r);\n\n\
        ALTER TABLE app.users ADD COLUMN o3 INTEGER;\n\n\
        ALTER TABLE app.users ADD FOREIGN KEY(o3) REFERENCES s.orgs (id);\n";
    assert!(stdout.contains(expected), "{stdout}");
    // The review sees the validating foreign key and its lock on `orgs`.
    let out = retort(&["lint", "--locks", revision.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("add_column_carries.py:9:5: add-foreign-key-validating"),
        "{stdout}"
    );
    assert!(stdout.contains("SHARE ROW EXCLUSIVE     orgs "), "{stdout}");
}

#[test]
fn checklist_names_the_backup_and_the_concurrent_build_with_real_ids() {
    let dir = fresh_dir("checklist");
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).expect("the revision can be written");
    };
    write(
        "a1_users.py",
        "\"\"\"users\n\nRevision ID: a1\nRevises:\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\ndown_revision = None\n\n\ndef upgrade():\n    op.create_table('users', sa.Column('id', sa.Integer(), primary_key=True), sa.Column('email', sa.Text()), sa.Column('legacy', sa.Text()))\n\n\ndef downgrade():\n    op.drop_table('users')\n",
    );
    write(
        "b2_drop.py",
        "\"\"\"drop legacy\n\nRevision ID: b2\nRevises: a1\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'b2'\ndown_revision = 'a1'\n\n\ndef upgrade():\n    op.drop_column('users', 'legacy')\n    op.create_index('ix_users_email', 'users', ['email'])\n\n\ndef downgrade():\n    op.drop_index('ix_users_email', table_name='users')\n    op.add_column('users', sa.Column('legacy', sa.Text()))\n",
    );
    let dir_arg = dir.to_string_lossy().into_owned();
    let out = retort(&["checklist", "--format", "markdown", &dir_arg]);
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.starts_with("### Deploying 2 revisions: `a1` … `b2`"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] **Back up or snapshot the database first** (RDS: create a snapshot): `b2` (drop legacy) drops column `users.legacy`."),
        "{md}"
    );
    assert!(
        md.contains("builds index `ix_users_email` on `users` without CONCURRENTLY"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] `alembic current`: expect `b2 (head)`."),
        "{md}"
    );
    assert!(
        md.contains("- [ ] `alembic downgrade base`: back to before this deployment."),
        "{md}"
    );

    // Only the new revision, as a pull request adds it: the rollback goes
    // to the revision before it.
    let one = retort(&["checklist", &dir.join("b2_drop.py").to_string_lossy()]);
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(text.contains("[ ] alembic current: expect a1."), "{text}");
    assert!(
        text.contains("[ ] alembic downgrade a1: back to before this deployment."),
        "{text}"
    );
    assert!(!text.contains('`'), "{text}");

    let empty = fresh_dir("checklist-empty");
    let none = retort(&["checklist", &empty.to_string_lossy()]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no revision files"));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&empty);
}
