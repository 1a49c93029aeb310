//! Bad input is normal input: fixture models and SQL scripts, mutated the
//! ways an editor mid-keystroke or a bad paste mutates text (bytes deleted,
//! fragments of model or SQL syntax inserted, lines duplicated, cut short),
//! must read without a panic and with every diagnostic inside the text, on
//! character boundaries.
//!
//! `RETORT_MUTATIONS` sets how many inputs per reader (default 2,000 for a
//! quick `cargo test`); `cargo xtask test` runs 100,000 each in release
//! mode (and a tenth as many mutated model pairs through the diff and the
//! renderer). The inputs
//! are deterministic (a fixed-seed generator), so a failure names the input
//! number to replay.

use retort_core::{Diagnostic, Schema, python, sql};

mod common;

const FIXTURES: &[&str] = &[
    include_str!("../../tests/fixtures/models/01_declarative_basic.py"),
    include_str!("../../tests/fixtures/models/03_legacy_declarative.py"),
    include_str!("../../tests/fixtures/models/05_naming_convention.py"),
    include_str!("../../tests/fixtures/models/06_enums.py"),
    include_str!("../../tests/fixtures/models/08_mixins_abstract.py"),
    include_str!("../../tests/fixtures/models/11_annotated_type_map.py"),
    include_str!("../../tests/fixtures/models/12_star_import_aliases.py"),
    include_str!("../../tests/fixtures/models/14_table_args_constraints.py"),
    include_str!("../../tests/fixtures/models/42_variants_wrappers_aliases.py"),
    include_str!("../../tests/fixtures/models/43_module_level_items.py"),
    include_str!("../../tests/fixtures/models/44_constant_names_and_defaults.py"),
    include_str!("../../tests/fixtures/models/45_tables_built_by_code.py"),
    include_str!("../../tests/fixtures/models/46_extend_existing_nested_enum.py"),
    include_str!("../../tests/fixtures/models/47_type_decorators.py"),
    include_str!("../../tests/fixtures/models/48_declared_attr_names.py"),
    include_str!("../../tests/fixtures/models/49_flask_sqlalchemy.py"),
    include_str!("../../tests/fixtures/models/50_expressions_class_tables.py"),
];

/// Model packages: (path in the package, text).
const PACKAGES: &[&[(&str, &str)]] = &[
    &[
        (
            "pkg_shop/__init__.py",
            include_str!("../../tests/fixtures/models/pkg_shop/__init__.py"),
        ),
        (
            "pkg_shop/base.py",
            include_str!("../../tests/fixtures/models/pkg_shop/base.py"),
        ),
        (
            "pkg_shop/constants.py",
            include_str!("../../tests/fixtures/models/pkg_shop/constants.py"),
        ),
        (
            "pkg_shop/types.py",
            include_str!("../../tests/fixtures/models/pkg_shop/types.py"),
        ),
        (
            "pkg_shop/mixins.py",
            include_str!("../../tests/fixtures/models/pkg_shop/mixins.py"),
        ),
        (
            "pkg_shop/models/__init__.py",
            include_str!("../../tests/fixtures/models/pkg_shop/models/__init__.py"),
        ),
        (
            "pkg_shop/models/customer.py",
            include_str!("../../tests/fixtures/models/pkg_shop/models/customer.py"),
        ),
        (
            "pkg_shop/models/order.py",
            include_str!("../../tests/fixtures/models/pkg_shop/models/order.py"),
        ),
    ],
    &[
        (
            "pkg_chains/__init__.py",
            include_str!("../../tests/fixtures/models/pkg_chains/__init__.py"),
        ),
        (
            "pkg_chains/models.py",
            include_str!("../../tests/fixtures/models/pkg_chains/models.py"),
        ),
        (
            "pkg_chains/utilities.py",
            include_str!("../../tests/fixtures/models/pkg_chains/utilities.py"),
        ),
        (
            "pkg_chains/schemas/__init__.py",
            include_str!("../../tests/fixtures/models/pkg_chains/schemas/__init__.py"),
        ),
        (
            "pkg_chains/schemas/core.py",
            include_str!("../../tests/fixtures/models/pkg_chains/schemas/core.py"),
        ),
        (
            "pkg_chains/schemas/states.py",
            include_str!("../../tests/fixtures/models/pkg_chains/schemas/states.py"),
        ),
    ],
    &[
        (
            "pkg_flask/__init__.py",
            include_str!("../../tests/fixtures/models/pkg_flask/__init__.py"),
        ),
        (
            "pkg_flask/extensions.py",
            include_str!("../../tests/fixtures/models/pkg_flask/extensions.py"),
        ),
        (
            "pkg_flask/models.py",
            include_str!("../../tests/fixtures/models/pkg_flask/models.py"),
        ),
    ],
];

const SQL_FIXTURES: &[&str] = &[
    include_str!("../../tests/fixtures/sql/hand_written_migration.sql"),
    include_str!("../../tests/fixtures/sql/pg_dump_07_postgresql_types.sql"),
    include_str!("../../tests/fixtures/sql/pg_dump_10_identity_sequence.sql"),
    include_str!("../../tests/fixtures/sql/pg_dump_14_table_args_constraints.sql"),
    include_str!("../../tests/fixtures/sql/pg_dump_15_enum_variants.sql"),
    include_str!("../../tests/fixtures/sql/pg_dump_23_schemas_and_timezones.sql"),
];

/// Fragments of SQL scripts, and of what breaks them.
const SQL_FRAGMENTS: &[&str] = &[
    "(",
    ")",
    ",",
    ";",
    "'",
    "''",
    "\"",
    "$$",
    "$a$",
    "--",
    "/*",
    "*/",
    "\n",
    "\\",
    "::",
    ".",
    "E'\\",
    "[]",
    "CREATE TABLE ",
    "ALTER TABLE ONLY ",
    "ADD CONSTRAINT ",
    "PRIMARY KEY (",
    "FOREIGN KEY (",
    "REFERENCES ",
    "CHECK ((",
    "UNIQUE",
    "DEFAULT ",
    "NOT NULL",
    "NULL",
    "nextval('",
    "::regclass",
    "CREATE INDEX ",
    "USING btree (",
    "WHERE ",
    "CREATE TYPE ",
    " AS ENUM (",
    "COMMENT ON COLUMN ",
    " IS ",
    "OWNED BY ",
    "GENERATED ALWAYS AS IDENTITY (",
    "SEQUENCE NAME ",
    "character varying(",
    "numeric(",
    "timestamp with time zone",
    "[][]",
    "public.",
    "\"quoted\"",
    "🙂",
    "é",
    "\u{0}",
    "\r\n",
    "ALTER SEQUENCE ",
    "DROP TABLE ",
    "RENAME TO ",
    "USING INDEX ",
    "EXCLUDE USING gist (",
    "((((((((((",
    "-1",
    "1e999",
];

/// Fragments of what model files are made of, and of what breaks them.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "=",
    ",",
    ".",
    "|",
    "\"",
    "'",
    "\n",
    "    ",
    "\t",
    "#",
    "\\",
    "\\N{BULLET}",
    "None",
    "True",
    "Mapped[",
    "Optional[",
    "mapped_column(",
    "Column(",
    "ForeignKey(\"",
    "Enum(",
    "String(",
    "Index(",
    "text(\"",
    "sa.",
    "func.",
    "class X(Base):\n",
    "__tablename__ = ",
    "__table_args__ = (",
    "__abstract__ = True\n",
    "Annotated[",
    "lambda: ",
    "**kw",
    "*args",
    "@declared_attr\n",
    "def f(self):\n",
    "import ",
    "from sqlalchemy import *\n",
    "🙂",
    "é",
    "\u{0}",
    "\r\n",
    "\"\"\"",
    "f\"{",
    "0x",
    "1e9",
    "-",
    "nullable=",
    "primary_key=True",
    "server_default=",
    "index=True",
    "name=",
    "schema=\"s\"",
];

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// The char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, fragments: &[&str], rng: &mut Rng) -> String {
    let mut text = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let at = boundary(&text, rng.below(text.len() + 1));
        match rng.below(5) {
            0 => {
                let end = boundary(&text, at + rng.below(24));
                text.replace_range(at..end, "");
            }
            1 | 2 => text.insert_str(at, fragments[rng.below(fragments.len())]),
            3 => {
                let lines: Vec<&str> = text.lines().collect();
                if !lines.is_empty() {
                    let line = lines[rng.below(lines.len())].to_string();
                    text.insert_str(at, &format!("{line}\n"));
                }
            }
            _ => text.truncate(at),
        }
    }
    text
}

fn mutations() -> usize {
    std::env::var("RETORT_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

/// Reads `count` mutations of the seeds; returns how many had diagnostics.
fn fuzz(
    seeds: &[&str],
    fragments: &[&str],
    seed: u64,
    count: usize,
    read: fn(&str) -> (Schema, Vec<Diagnostic>),
) -> usize {
    let mut rng = Rng(seed);
    let mut with_diagnostics = 0;
    for i in 0..count {
        let source = mutate(seeds[i % seeds.len()], fragments, &mut rng);
        let outcome = std::panic::catch_unwind(|| read(&source));
        let Ok((_, diagnostics)) = outcome else {
            panic!("input {i} panicked the reader:\n{source}");
        };
        if !diagnostics.is_empty() {
            with_diagnostics += 1;
        }
        for d in &diagnostics {
            assert!(
                d.span.start <= d.span.end
                    && d.span.end <= source.len()
                    && source.is_char_boundary(d.span.start)
                    && source.is_char_boundary(d.span.end),
                "input {i}: diagnostic {d:?} outside the text or inside a character ({} bytes)",
                source.len()
            );
        }
    }
    // The mutations must actually break things, or this test proves nothing.
    assert!(
        with_diagnostics * 4 > count,
        "only {with_diagnostics} of {count} mutated inputs had diagnostics"
    );
    with_diagnostics
}

#[test]
fn mutated_models_never_panic_and_diagnostics_stay_inside_the_text() {
    let count = mutations();
    let found = fuzz(
        FIXTURES,
        FRAGMENTS,
        0x5eed_cafe_f00d_d00d,
        count,
        python::read_schema,
    );
    println!("{count} mutated models read, {found} with diagnostics, no panic");
}

#[test]
fn mutated_model_packages_never_panic_and_diagnostics_stay_in_their_files() {
    let count = mutations() / 4;
    let mut rng = Rng(0x009a_c4a6_e50f_f11e);
    let mut with_diagnostics = 0;
    for i in 0..count {
        let package = PACKAGES[i % PACKAGES.len()];
        // One to three of the package's files mutated; a file dropped now
        // and then (an import that finds nothing).
        let mut files: Vec<(String, String)> = package
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(files.len());
            files[at].1 = mutate(&files[at].1, FRAGMENTS, &mut rng);
        }
        if rng.below(6) == 0 {
            files.remove(rng.below(files.len()));
        }
        let set = python::FileSet::new(files.clone());
        let entries = set.modules().to_vec();
        let outcome = std::panic::catch_unwind(|| python::read_program(entries, &set));
        let Ok(program) = outcome else {
            panic!("package input {i} panicked the reader:\n{files:#?}");
        };
        if !program.diagnostics.is_empty() {
            with_diagnostics += 1;
        }
        for (file, d) in &program.diagnostics {
            let source = &program.files[*file].source;
            assert!(
                d.span.start <= d.span.end
                    && d.span.end <= source.len()
                    && source.is_char_boundary(d.span.start)
                    && source.is_char_boundary(d.span.end),
                "package input {i}: {d:?} outside {} ({} bytes)",
                program.files[*file].path,
                source.len()
            );
        }
    }
    assert!(
        with_diagnostics * 4 > count,
        "only {with_diagnostics} of {count} mutated packages had diagnostics"
    );
    println!("{count} mutated packages read, {with_diagnostics} with diagnostics, no panic");
}

#[test]
fn mutated_sql_scripts_never_panic_and_diagnostics_stay_inside_the_text() {
    let count = mutations();
    let found = fuzz(
        SQL_FIXTURES,
        SQL_FRAGMENTS,
        0x00dd_ba11_5eed,
        count,
        sql::read_schema,
    );
    println!("{count} mutated SQL scripts read, {found} with diagnostics, no panic");
}

/// Pairs whose models are mutated on both sides: the diff and the renderer
/// take whatever the readers made of them.
const PAIRS: &[(&str, &str)] = &[
    (
        include_str!("../../tests/fixtures/pairs/15_create_table_with_fk/before.py"),
        include_str!("../../tests/fixtures/pairs/15_create_table_with_fk/after.py"),
    ),
    (
        include_str!("../../tests/fixtures/pairs/28_naming_convention_alter/before.py"),
        include_str!("../../tests/fixtures/pairs/28_naming_convention_alter/after.py"),
    ),
    (
        include_str!("../../tests/fixtures/pairs/33_create_table_enum_check_identity/before.py"),
        include_str!("../../tests/fixtures/pairs/33_create_table_enum_check_identity/after.py"),
    ),
    (
        include_str!("../../tests/fixtures/pairs/51_add_not_null_column/before.py"),
        include_str!("../../tests/fixtures/pairs/51_add_not_null_column/after.py"),
    ),
];

#[test]
fn revisions_of_mutated_model_pairs_never_panic() {
    use retort_core::diff::{Options, plan, rename_candidates};
    use retort_core::render::{self, RenderOptions, RevisionHeader};

    let count = mutations() / 10;
    let mut rng = Rng(0x000b_ad5e_ed0f_d1ff);
    for i in 0..count {
        let (before, after) = PAIRS[i % PAIRS.len()];
        let before = mutate(before, FRAGMENTS, &mut rng);
        let after = if i % 3 == 0 {
            mutate(after, FRAGMENTS, &mut rng)
        } else {
            after.to_string()
        };
        let outcome = std::panic::catch_unwind(|| {
            let (b, _) = python::read_schema(&before);
            let (a, _) = python::read_schema(&after);
            let renames = rename_candidates(&b, &a);
            let fills = vec![("users".to_string(), "bio".to_string(), "''".to_string())];
            let (steps, _) = plan(&b, &a, Options { safe: i % 2 == 0 }, &fills, &renames);
            let enums = render::database_enums(&b);
            steps
                .iter()
                .map(|s| {
                    render::revision(
                        &RevisionHeader {
                            message: "m",
                            rev_id: "0123456789ab",
                            down_revision: None,
                            create_date: "now",
                        },
                        &s.migration,
                        &RenderOptions {
                            database_enums: &enums,
                            batch: false,
                        },
                    )
                    .len()
                })
                .sum::<usize>()
                + [
                    render::script::Direction::Upgrade,
                    render::script::Direction::Downgrade,
                ]
                .iter()
                .map(|&direction| {
                    let revisions: Vec<render::script::ScriptRevision<'_>> = steps
                        .iter()
                        .map(|s| {
                            render::script::ScriptRevision::linear(
                                "0123456789ab",
                                None,
                                &s.migration,
                            )
                        })
                        .collect();
                    render::script::script(&revisions, direction, &a.enums)
                        .text
                        .len()
                })
                .sum::<usize>()
        });
        assert!(
            outcome.is_ok(),
            "pair input {i} panicked:\n--- before\n{before}\n--- after\n{after}"
        );
    }
    println!("{count} mutated model pairs diffed and rendered (Python and SQL), no panic");
}

const REVISION_FRAGMENTS: &[&str] = &[
    "op.",
    "op.f(",
    "sa.Column(",
    "sa.Integer()",
    "postgresql.ENUM('a', name='e')",
    "nullable=",
    "server_default=",
    "existing_type=",
    "type_=",
    "with op.get_context().autocommit_block():\n    ",
    "for x in y:\n    ",
    "op.execute(sa.text(",
    "raise NotImplementedError\n",
    "down_revision = ('a', 'b')\n",
    "\n",
    "    ",
    "(",
    ")",
    "[",
    "]",
    ",",
    "'",
    "\"\"\"",
    "é",
    "\u{0}",
];

#[test]
fn mutated_revision_files_never_panic_and_their_sql_is_always_written() {
    use retort_core::diff::{Options, plan};
    use retort_core::render::{self, RenderOptions, RevisionHeader};
    use retort_core::revision::read_revision;

    // Seeds: the revisions retort writes for the fixture pairs.
    let seeds: Vec<String> = PAIRS
        .iter()
        .flat_map(|(before, after)| {
            let (b, _) = python::read_schema(before);
            let (a, _) = python::read_schema(after);
            let enums = render::database_enums(&b);
            let (steps, _) = plan(&b, &a, Options { safe: true }, &[], &[]);
            steps
                .iter()
                .map(|s| {
                    render::revision(
                        &RevisionHeader {
                            message: "m",
                            rev_id: "0123456789ab",
                            down_revision: Some("ffffffffffff"),
                            create_date: "now",
                        },
                        &s.migration,
                        &RenderOptions {
                            database_enums: &enums,
                            batch: false,
                        },
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let count = mutations();
    let mut rng = Rng(0x0e71_5105_5eed);
    let mut with_diagnostics = 0;
    for i in 0..count {
        let source = mutate(&seeds[i % seeds.len()], REVISION_FRAGMENTS, &mut rng);
        let outcome = std::panic::catch_unwind(|| {
            let (read, diagnostics) = read_revision(&source);
            let revisions = [render::script::ScriptRevision::linear(
                "0123456789ab",
                None,
                &read.migration,
            )];
            let up =
                render::script::script(&revisions, render::script::Direction::Upgrade, &read.enums);
            let down = render::script::script(
                &revisions,
                render::script::Direction::Downgrade,
                &read.enums,
            );
            (diagnostics, up.text.len() + down.text.len())
        });
        let Ok((diagnostics, _)) = outcome else {
            panic!("revision input {i} panicked:\n{source}");
        };
        if !diagnostics.is_empty() {
            with_diagnostics += 1;
        }
        for d in &diagnostics {
            assert!(
                d.span.end <= source.len()
                    && source.is_char_boundary(d.span.start)
                    && source.is_char_boundary(d.span.end),
                "revision input {i}: diagnostic {d:?} outside the text"
            );
        }
    }
    assert!(
        with_diagnostics * 4 > count,
        "only {with_diagnostics} of {count} mutated revisions had diagnostics"
    );
    println!(
        "{count} mutated revision files read and written as SQL, {with_diagnostics} with diagnostics, no panic"
    );
}

/// What the ignore comments and fixes are made of, spliced into the lint
/// cases.
const LINT_FRAGMENTS: &[&str] = &[
    "# retort: ignore[",
    "-- retort: ignore-file[drop-table] -- ",
    "]",
    " -- reason",
    "# retort: ignore[drop-column, nope] --",
    "postgresql_concurrently=True",
    "with op.get_context().autocommit_block():\n        ",
    "op.create_index('ix', 't', ['a'])\n    ",
    "CREATE INDEX ix ON t (a);\n",
    "BEGIN;",
    "COMMIT;",
    "SET lock_timeout = '1s';",
    "\n",
    "é",
    "'",
    "\"",
    "(",
    ")",
];

#[test]
fn mutated_migrations_never_panic_the_linter_or_its_fixes() {
    use retort_core::Applicability;
    use retort_core::lint::{self, MigrationKind, Settings};
    let mut seeds: Vec<(String, MigrationKind)> = common::lint_cases()
        .into_iter()
        .map(|p| {
            let kind = if p.extension().is_some_and(|e| e == "sql") {
                MigrationKind::Sql
            } else {
                MigrationKind::Revision
            };
            (std::fs::read_to_string(&p).expect("UTF-8"), kind)
        })
        .collect();
    seeds.sort_by(|a, b| a.0.cmp(&b.0));
    let count = mutations();
    let mut rng = Rng(0x11e7_f1c5_5eed);
    let settings = Settings::default();
    let (mut with_findings, mut fixed) = (0, 0);
    for i in 0..count {
        let (seed, kind) = &seeds[i % seeds.len()];
        let source = mutate(seed, LINT_FRAGMENTS, &mut rng);
        let outcome = std::panic::catch_unwind(|| {
            let (findings, _) = lint::lint_source(&source, *kind, &settings);
            // Fixing relints up to ten times: every tenth input.
            let applied = if i % 10 == 0 {
                lint::fix_source(&source, *kind, &settings, Applicability::Unsafe).1
            } else {
                0
            };
            // The playground's review: the revision twice, as a chain, and
            // each finding's fix applied on its own.
            if *kind == MigrationKind::Revision && i % 5 == 0 {
                let chain = format!(
                    "{}{source}\n{}{source}",
                    retort_core::render::separator(1, 2, "a"),
                    retort_core::render::separator(2, 2, "b")
                );
                let reviewed = retort_core::report::review::review(&chain, &settings);
                for (n, f) in reviewed.review.findings.iter().enumerate() {
                    assert!(f.span.end <= chain.len() && chain.is_char_boundary(f.span.start));
                    let _ = retort_core::report::review::apply_fix(&chain, &reviewed, n);
                }
            }
            (findings, applied)
        });
        let Ok((findings, applied)) = outcome else {
            panic!("lint input {i} panicked:\n{source}");
        };
        with_findings += usize::from(!findings.is_empty());
        fixed += applied;
        for f in &findings {
            let spans = std::iter::once(f.span)
                .chain(f.fix.iter().flat_map(|x| x.edits.iter().map(|e| e.span)));
            for span in spans {
                assert!(
                    span.start <= span.end
                        && span.end <= source.len()
                        && source.is_char_boundary(span.start)
                        && source.is_char_boundary(span.end),
                    "lint input {i}: {f:?} outside the text"
                );
            }
        }
    }
    assert!(
        with_findings * 2 > count,
        "only {with_findings} of {count} had findings"
    );
    assert!(fixed > 0, "no fix applied to any mutated input");
    println!(
        "{count} mutated migrations linted, {with_findings} with findings, {fixed} fixes applied on every tenth, no panic"
    );
}

/// What the fast tokenizer must agree with sqlparser's on, besides the
/// SQL fixtures: operators and literals where the two tokenizers' rules are
/// finest.
const LEXER_FRAGMENTS: &[&str] = &[
    "<>", "<=", ">=", "!=", "||", "||/", "->", "->>", "@>", "<->", "=>", "==", ":=", "1.5", ".5",
    "1e3", "0x1F", "10L", "1_000", "._", "-- c\n", "--", "\r", "\t", "\u{c}", "u&'", "U&", "b'",
    "B\"", "x'", "e'", "N'", "n", "e", "$1", "a$b", "\"\"", "''''", "/", "//", "*", "+-", "-",
    "=-1", "<-", "~", "naïve", "COPY ", "!", "%", "&", "#",
];

/// The SQL fixtures and the labelled SQL cases.
fn sql_seeds() -> Vec<String> {
    let mut seeds: Vec<String> = SQL_FIXTURES.iter().map(|s| s.to_string()).collect();
    for path in common::sql_cases() {
        seeds.push(std::fs::read_to_string(path).expect("UTF-8"));
    }
    seeds
}

/// The text of each statement of a script.
fn statements(text: &str) -> Vec<String> {
    use retort_core::sql::split;
    split::split(text)
        .into_iter()
        .filter_map(|p| match p {
            split::Piece::Statement(s) => Some(text[s.start..s.end].to_string()),
            split::Piece::MetaCommand(_) => None,
        })
        .collect()
}

/// `check` on [`mutations`] mutations of `seeds` (SQL fragments and
/// `fragments` inserted): how many scripts, and its counts.
fn check_mutations(
    seeds: &[String],
    fragments: &[&str],
    seed: u64,
    check: impl Fn(&str, &str, &mut (usize, usize)),
) -> (usize, (usize, usize)) {
    let fragments: Vec<&str> = SQL_FRAGMENTS.iter().chain(fragments).copied().collect();
    let mut rng = Rng(seed);
    let count = mutations();
    let mut counts = (0, 0);
    for i in 0..count {
        let source = mutate(&seeds[i % seeds.len()], &fragments, &mut rng);
        check(&source, &format!("input {i}"), &mut counts);
    }
    (count, counts)
}

#[test]
fn the_fast_tokenizer_gives_sqlparsers_tokens_or_gives_up() {
    use retort_core::sql::lex;
    let seeds = sql_seeds();
    // Checks every statement of `text`; adds to (statements, tokenized fast).
    let check = |text: &str, what: &str, counts: &mut (usize, usize)| {
        for statement in statements(text) {
            assert!(
                lex::agrees_with_sqlparser(&statement),
                "{what}: tokens differ on:\n{statement}"
            );
            counts.0 += 1;
            counts.1 += usize::from(lex::tokens(&statement).is_some());
        }
    };
    // The seeds as written: most statements must take the fast way, or
    // the fast tokenizer is not doing its job.
    let mut seed_counts = (0, 0);
    for seed in &seeds {
        check(seed, "a seed", &mut seed_counts);
    }
    let (total, fast) = seed_counts;
    assert!(
        fast * 10 >= total * 7,
        "only {fast} of {total} statements tokenized fast"
    );
    let (count, (checked, mutated_fast)) =
        check_mutations(&seeds, LEXER_FRAGMENTS, 0x1e8e_7000_ba5e, check);
    println!(
        "fast tokenizer: {fast} of {total} seed statements; {mutated_fast} of {checked} statements of {count} mutated scripts, all as sqlparser"
    );
}

/// A statement for each thing a rule carries from one step to a later one.
const CARRIED: &str = "CREATE TABLE n (id bigint PRIMARY KEY, a int);
CREATE INDEX ix_a ON accounts (a);
DROP INDEX ix_a;
ALTER TABLE orders ADD CONSTRAINT fk_o FOREIGN KEY (account_id) REFERENCES accounts (id);
ALTER TABLE orders ADD CONSTRAINT fk_p FOREIGN KEY (payer_id) REFERENCES accounts (id);
CREATE INDEX ix_o ON orders (account_id);
ALTER TABLE n RENAME TO m;
ALTER TABLE m ADD COLUMN b int NOT NULL;
BEGIN;
ALTER TABLE t ADD CONSTRAINT c CHECK (x IS NOT NULL) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT c;
COMMIT;
ALTER TABLE t ALTER COLUMN x SET NOT NULL;
ALTER TABLE t ADD CONSTRAINT d CHECK (w IS NOT NULL) NOT VALID;
ALTER TABLE t VALIDATE CONSTRAINT d;
ALTER TABLE t ALTER COLUMN w SET NOT NULL;
BEGIN;
ALTER TABLE big ADD COLUMN y int;
UPDATE big SET y = 1;
CREATE INDEX ix_y ON big (y);
COMMIT;
ALTER TABLE u ADD COLUMN z int;
SET TIME ZONE 'UTC';
SET lock_timeout = '2s';
ALTER TABLE v ALTER COLUMN at TYPE timestamptz;
";

/// The findings of one pass over a whole SQL script: every step in one
/// part, as the playground's review reads it.
fn one_pass(
    source: &str,
    settings: &retort_core::lint::Settings,
) -> Vec<retort_core::lint::Finding> {
    use retort_core::lint;
    let (located, _) = retort_core::sql::ops::read_ops(source);
    let cx = lint::sql_subject(&located, settings);
    lint::apply_ignores(
        source,
        lint::MigrationKind::Sql,
        lint::findings(&cx, source, lint::MigrationKind::Sql),
        settings,
    )
}

#[test]
fn a_script_judged_in_parts_gets_the_findings_of_one_pass() {
    use retort_core::lint::{self, Settings};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut seeds: Vec<String> = Vec::new();
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/sql"))
        .expect("tests/fixtures/sql")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    fixtures.sort();
    for paths in [common::sql_cases(), fixtures] {
        seeds.extend(
            paths
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("UTF-8")),
        );
    }
    // Every labelled case in one script: tables created, locks taken and
    // constraints added in one part, judged in later ones.
    seeds.push(seeds.join("\n"));
    // What each rule that reads more than one step carries, a statement
    // apart.
    seeds.push(CARRIED.to_string());
    let mut rng = Rng(0x9a27_5eed_0f11);
    let mutated: Vec<String> = (0..mutations() / 4)
        .map(|i| mutate(&seeds[i % seeds.len()], LINT_FRAGMENTS, &mut rng))
        .collect();
    let settings = [
        Settings::default(),
        Settings {
            postgres: 11,
            assume_in_transaction: true,
            ..Settings::default()
        },
    ];
    let (mut scripts, mut split, mut findings) = (0, 0, 0);
    for source in seeds.iter().chain(&mutated) {
        for settings in &settings {
            let whole = one_pass(source, settings);
            for part in [1, 2, 3, 7] {
                let (parts, _) = lint::lint_sql_in_parts(source, settings, part);
                assert_eq!(parts, whole, "in parts of {part}:\n{source}");
            }
            scripts += 1;
            findings += whole.len();
            split += usize::from(retort_core::sql::split::split(source).len() > 1);
        }
    }
    // The test means something only if scripts had several statements and
    // the rules found things in them.
    assert!(
        split * 10 > scripts * 7 && findings > scripts,
        "{split} of {scripts} split, {findings} findings"
    );
    println!(
        "{scripts} scripts judged in parts of 1, 2, 3 and 7: one pass's findings ({findings})"
    );
}

/// Statements at the edges of the quick path's forms: each as it reads
/// them, or with one thing more that sqlparser must read.
const QUICK: &str = "ALTER TABLE accounts ALTER COLUMN c0 SET NOT NULL;
ALTER TABLE accounts ALTER c0 DROP NOT NULL;
ALTER TABLE s.accounts ALTER COLUMN c0 DROP NOT NULL;
ALTER TABLE public.accounts DROP COLUMN c0;
ALTER TABLE a.b.c DROP COLUMN c0;
ALTER TABLE accounts DROP COLUMN IF EXISTS c0;
ALTER TABLE accounts DROP COLUMN c0 CASCADE;
ALTER TABLE accounts DROP c0;
ALTER TABLE ONLY accounts ALTER COLUMN c0 SET NOT NULL;
ALTER TABLE IF EXISTS accounts DROP COLUMN c0;
ALTER TABLE \"Accounts\" ALTER COLUMN \"C0\" SET NOT NULL;
ALTER TABLE accounts ALTER COLUMN name SET NOT NULL;
ALTER TABLE accounts ALTER COLUMN c0 SET NOT NULL, ALTER COLUMN c1 SET NOT NULL;
ALTER TABLE accounts ALTER COLUMN c0 SET DEFAULT 0;
ALTER TABLE accounts ALTER COLUMN c0 TYPE bigint;
CREATE INDEX ix_a ON accounts (c0);
CREATE UNIQUE INDEX ix_b ON public.accounts (c0, c1);
CREATE INDEX CONCURRENTLY ix_c ON s.accounts (c0);
CREATE UNIQUE INDEX CONCURRENTLY ix_d ON accounts (c0,c1,c2);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_e ON accounts (c0);
CREATE INDEX ix_f ON ONLY accounts (c0);
CREATE INDEX ix_g ON accounts USING gin (c0);
CREATE INDEX ix_h ON accounts (c0) WHERE c0 > 0;
CREATE INDEX ix_i ON accounts (c0) INCLUDE (c1);
CREATE INDEX ix_j ON accounts (c0 DESC);
CREATE INDEX ix_k ON accounts (lower(c0));
CREATE INDEX ix_l ON accounts (name);
CREATE INDEX ON accounts (c0);
CREATE INDEX s.ix_m ON accounts (c0);
CREATE INDEX ix_n ON accounts ();
CREATE INDEX ix_o ON accounts (c0,);
CREATE INDEX \"Ix\" ON accounts (\"C0\");
ALTER TABLE accounts DROP COLUMN c0;
ALTER TABLE accounts ADD COLUMN c0 integer;
ALTER TABLE accounts ADD COLUMN c1 text NOT NULL DEFAULT 'x', ADD COLUMN c2 int REFERENCES t0 (id);
ALTER TABLE accounts ADD c3 timestamptz DEFAULT now();
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS c4 int;
ALTER TABLE accounts ALTER COLUMN c0 TYPE bigint USING c0::bigint;
ALTER TABLE accounts ALTER COLUMN c0 SET DATA TYPE varchar(30);
ALTER TABLE orders ADD CONSTRAINT fk_orders_0 FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT ck CHECK (x IS NOT NULL) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT u UNIQUE USING INDEX ix_u;
ALTER TABLE orders ADD PRIMARY KEY (id);
ALTER TABLE orders VALIDATE CONSTRAINT ck;
ALTER TABLE orders DROP CONSTRAINT ck;
ALTER TABLE orders RENAME TO orders2;
ALTER TABLE orders RENAME COLUMN a TO b;
ALTER TABLE orders SET UNLOGGED;
ALTER TABLE orders SET LOGGED;
ALTER TABLE orders ALTER COLUMN a SET DEFAULT 0, ALTER COLUMN b DROP DEFAULT;
ALTER TABLE orders OWNER TO bob;
ALTER TABLE orders ON CLUSTER c ADD COLUMN z int;
ALTER TABLE orders ADD COLUMN z int LOCATION 'x';
ALTER TABLE orders ADD COLUMN z int,;
ALTER TABLE orders;
ALTER TABLE orders ADD COLUMN;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE s.orders ADD CONSTRAINT ex EXCLUDE USING gist (a WITH &&);
CREATE TABLE t0 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE s.t1 (id serial PRIMARY KEY, a varchar(20) UNIQUE, b numeric(10, 2) CHECK (b > 0), c int REFERENCES t0 (id) ON DELETE CASCADE);
CREATE TABLE public.t2 (a int, b int, PRIMARY KEY (a, b), CONSTRAINT u UNIQUE (b), FOREIGN KEY (a) REFERENCES t0 (id), CHECK (a <> b));
CREATE TABLE t3 (id bigint GENERATED BY DEFAULT AS IDENTITY (SEQUENCE NAME t3_seq START WITH 10 INCREMENT BY 2), v jsonb DEFAULT '{}'::jsonb);
CREATE TABLE t4 (LIKE t0);
CREATE TABLE t5 (LIKE t0 INCLUDING ALL);
CREATE TABLE t6 (a int) PARTITION BY RANGE (a);
CREATE TABLE t7 (a int) INHERITS (t0);
CREATE TABLE t8 (a int) WITH (fillfactor = 70);
CREATE TABLE t9 (a int,);
CREATE TABLE t10 ();
CREATE TABLE IF NOT EXISTS t11 (a int);
CREATE TABLE t12 (a int) TABLESPACE fast;
CREATE TABLE t13 (a int[] NOT NULL, b text COLLATE \"C\", c timestamp(3) without time zone, d int GENERATED ALWAYS AS (a[1] * 2) STORED);
CREATE TABLE t14 (a int, EXCLUDE USING gist (a WITH =));
CREATE TABLE t15 AS SELECT 1;
CREATE TABLE t16 (a int) ;
CREATE TABLE t17 (a int -- a note
, b text /* c */);
CREATE TABLE t18 (a);
CREATE TABLE t19 (a int DEFAULT);
CREATE TABLE t20 (a int, CONSTRAINT pk PRIMARY KEY (a) DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE t21 (name text, type text, status int, value text);
CREATE INDEX ix_p ON accounts (current_date);
CREATE INDEX ix_q ON accounts (current_user);
CREATE INDEX ix_r ON accounts (true);
CREATE INDEX ix_s ON accounts (null);
CREATE INDEX ix_t ON accounts (user);
CREATE INDEX ix_u ON accounts (localtime);
ALTER TABLE accounts DROP COLUMN if;
ALTER TABLE accounts DROP COLUMN constraint;
ALTER TABLE accounts ALTER COLUMN constraint SET NOT NULL;
ALTER TABLE accounts ALTER COLUMN type SET NOT NULL;
ALTER TABLE accounts ALTER type DROP NOT NULL;
CREATE INDEX concurrently ON accounts (c0);
CREATE INDEX ix_v ON only (c0);
CREATE INDEX ix_name ON name (name, name);
ALTER TABLE name ALTER COLUMN name SET NOT NULL;
ALTER TABLE name ALTER name DROP NOT NULL;
ALTER TABLE name.name DROP COLUMN name;
CREATE INDEX ix_value ON value (value, value);
ALTER TABLE value ALTER COLUMN value SET NOT NULL;
ALTER TABLE value ALTER value DROP NOT NULL;
ALTER TABLE value.value DROP COLUMN value;
CREATE INDEX ix_key ON key (key, key);
ALTER TABLE key ALTER COLUMN key SET NOT NULL;
ALTER TABLE key ALTER key DROP NOT NULL;
ALTER TABLE key.key DROP COLUMN key;
CREATE INDEX ix_data ON data (data, data);
ALTER TABLE data ALTER COLUMN data SET NOT NULL;
ALTER TABLE data ALTER data DROP NOT NULL;
ALTER TABLE data.data DROP COLUMN data;
CREATE INDEX ix_status ON status (status, status);
ALTER TABLE status ALTER COLUMN status SET NOT NULL;
ALTER TABLE status ALTER status DROP NOT NULL;
ALTER TABLE status.status DROP COLUMN status;
CREATE INDEX ix_type ON type (type, type);
ALTER TABLE type ALTER COLUMN type SET NOT NULL;
ALTER TABLE type ALTER type DROP NOT NULL;
ALTER TABLE type.type DROP COLUMN type;
CREATE INDEX ix_id ON id (id, id);
ALTER TABLE id ALTER COLUMN id SET NOT NULL;
ALTER TABLE id ALTER id DROP NOT NULL;
ALTER TABLE id.id DROP COLUMN id;
CREATE INDEX ix_level ON level (level, level);
ALTER TABLE level ALTER COLUMN level SET NOT NULL;
ALTER TABLE level ALTER level DROP NOT NULL;
ALTER TABLE level.level DROP COLUMN level;
CREATE INDEX ix_role ON role (role, role);
ALTER TABLE role ALTER COLUMN role SET NOT NULL;
ALTER TABLE role ALTER role DROP NOT NULL;
ALTER TABLE role.role DROP COLUMN role;
CREATE INDEX ix_owner ON owner (owner, owner);
ALTER TABLE owner ALTER COLUMN owner SET NOT NULL;
ALTER TABLE owner ALTER owner DROP NOT NULL;
ALTER TABLE owner.owner DROP COLUMN owner;
CREATE INDEX ix_version ON version (version, version);
ALTER TABLE version ALTER COLUMN version SET NOT NULL;
ALTER TABLE version ALTER version DROP NOT NULL;
ALTER TABLE version.version DROP COLUMN version;
CREATE INDEX ix_source ON source (source, source);
ALTER TABLE source ALTER COLUMN source SET NOT NULL;
ALTER TABLE source ALTER source DROP NOT NULL;
ALTER TABLE source.source DROP COLUMN source;
CREATE INDEX ix_action ON action (action, action);
ALTER TABLE action ALTER COLUMN action SET NOT NULL;
ALTER TABLE action ALTER action DROP NOT NULL;
ALTER TABLE action.action DROP COLUMN action;
CREATE INDEX ix_hash ON hash (hash, hash);
ALTER TABLE hash ALTER COLUMN hash SET NOT NULL;
ALTER TABLE hash ALTER hash DROP NOT NULL;
ALTER TABLE hash.hash DROP COLUMN hash;
CREATE INDEX ix_size ON size (size, size);
ALTER TABLE size ALTER COLUMN size SET NOT NULL;
ALTER TABLE size ALTER size DROP NOT NULL;
ALTER TABLE size.size DROP COLUMN size;
CREATE INDEX ix_location ON location (location, location);
ALTER TABLE location ALTER COLUMN location SET NOT NULL;
ALTER TABLE location ALTER location DROP NOT NULL;
ALTER TABLE location.location DROP COLUMN location;
CREATE INDEX ix_password ON password (password, password);
ALTER TABLE password ALTER COLUMN password SET NOT NULL;
ALTER TABLE password ALTER password DROP NOT NULL;
ALTER TABLE password.password DROP COLUMN password;
CREATE INDEX ix_position ON position (position, position);
ALTER TABLE position ALTER COLUMN position SET NOT NULL;
ALTER TABLE position ALTER position DROP NOT NULL;
ALTER TABLE position.position DROP COLUMN position;
CREATE INDEX ix_comment ON comment (comment, comment);
ALTER TABLE comment ALTER COLUMN comment SET NOT NULL;
ALTER TABLE comment ALTER comment DROP NOT NULL;
ALTER TABLE comment.comment DROP COLUMN comment;
CREATE INDEX ix_index ON index (index, index);
ALTER TABLE index ALTER COLUMN index SET NOT NULL;
ALTER TABLE index ALTER index DROP NOT NULL;
ALTER TABLE index.index DROP COLUMN index;
CREATE INDEX ix_c0 ON c0 (c0, c0);
ALTER TABLE c0 ALTER COLUMN c0 SET NOT NULL;
ALTER TABLE c0 ALTER c0 DROP NOT NULL;
ALTER TABLE c0.c0 DROP COLUMN c0;
";

/// Statements of the forms the quick path reads from the words alone: each
/// must be read so (and agree with sqlparser's reading).
const WORDS: &str = "CREATE TABLE t0 (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE s.t1 (id serial PRIMARY KEY, code varchar(64) UNIQUE, price numeric(10, 2) DEFAULT 0, tags text[], flag boolean DEFAULT FALSE NOT NULL, note text DEFAULT 'it''s' NULL);
CREATE TABLE public.t2 (id bigserial, parent_id bigint REFERENCES t2 (id) ON DELETE CASCADE, owner_id integer REFERENCES s.owner ON UPDATE SET NULL ON DELETE NO ACTION, ts timestamp with time zone DEFAULT now(), d double precision, u uuid DEFAULT gen_random_uuid());
CREATE TABLE t3 (\"Id\" integer GENERATED BY DEFAULT AS IDENTITY, \"select\" text, at time(3) without time zone, x character varying(20)[] DEFAULT NULL, y int DEFAULT TRUE);
CREATE TABLE t4 (a int, b int, c int NOT NULL DEFAULT 1 UNIQUE REFERENCES accounts (id));
CREATE TABLE t5 (at text, user text, order int, type text, key text, value text, default int, time int);
CREATE TABLE t6 (id integer PRIMARY KEY, ref_id integer NOT NULL REFERENCES t5 ON DELETE SET DEFAULT ON UPDATE RESTRICT);
CREATE TABLE t7 (a smallint, b real, c bytea, d json, e jsonb, f interval, g date, h inet, i money, j bit(3), k char(2), l int4, m int8, n float8, o decimal(5));
CREATE TABLE t8 (a numeric(12,4)[][] NOT NULL, b text NULL NOT NULL, c bigint DEFAULT 42 PRIMARY KEY);
ALTER TABLE accounts ADD COLUMN c0 integer;
ALTER TABLE accounts ADD c1 varchar(20) NOT NULL DEFAULT 'x';
ALTER TABLE s.accounts ADD COLUMN c2 bigint REFERENCES accounts (id) ON DELETE SET DEFAULT;
ALTER TABLE accounts ADD COLUMN c3 integer UNIQUE;
ALTER TABLE accounts ADD COLUMN c4 integer PRIMARY KEY;
ALTER TABLE accounts ADD COLUMN c5 bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE accounts ADD COLUMN c6 timestamptz DEFAULT now() NOT NULL;
ALTER TABLE accounts ADD COLUMN c7 serial;
ALTER TABLE accounts ADD COLUMN c8 numeric(12,4) DEFAULT 0 NULL;
ALTER TABLE accounts ADD COLUMN name text DEFAULT 'n';
ALTER TABLE accounts ALTER COLUMN c0 TYPE bigint;
ALTER TABLE accounts ALTER c0 TYPE varchar(255);
ALTER TABLE accounts ALTER COLUMN c0 SET DATA TYPE text;
ALTER TABLE accounts ALTER COLUMN c0 TYPE timestamp(6) with time zone;
ALTER TABLE accounts ALTER COLUMN c0 TYPE int[];
ALTER TABLE accounts ALTER COLUMN type TYPE bigserial;
ALTER TABLE orders ADD CONSTRAINT fk_orders_0 FOREIGN KEY (account_id) REFERENCES accounts (id);
ALTER TABLE orders ADD CONSTRAINT fk1 FOREIGN KEY (a, b) REFERENCES s.others (x, y) ON DELETE CASCADE ON UPDATE RESTRICT NOT VALID;
ALTER TABLE orders ADD FOREIGN KEY (account_id) REFERENCES accounts;
ALTER TABLE orders ADD FOREIGN KEY (\"A\", at) REFERENCES public.accounts (\"Id\", user);
ALTER TABLE orders ADD CONSTRAINT uq_orders UNIQUE (a, b);
ALTER TABLE orders ADD UNIQUE (code);
ALTER TABLE orders ADD CONSTRAINT pk_orders PRIMARY KEY (id);
ALTER TABLE orders ADD PRIMARY KEY (id, version);
COMMENT ON TABLE t0 IS 'table 0';
COMMENT ON TABLE s.t0 IS 'it''s';
COMMENT ON TABLE t0 IS NULL;
";

/// What mutations add to the quick path's forms.
const QUICK_FRAGMENTS: &[&str] = &[
    " DEFAULT 0",
    " DEFAULT now()",
    " DEFAULT 'x'",
    " DEFAULT -1",
    " DEFAULT TRUE",
    " PRIMARY KEY",
    " REFERENCES t (id)",
    " GENERATED ALWAYS AS IDENTITY",
    " GENERATED BY DEFAULT AS IDENTITY",
    " TYPE bigint",
    " ON DELETE CASCADE",
    " ON UPDATE SET NULL",
    " NOT VALID",
    "[]",
    "(10, 2)",
    " COLLATE \"C\"",
    " varchar(20)",
    " CONSTRAINT c",
    " FOREIGN KEY (a)",
    " IS NULL",
    "::text",
    " integer",
    " with time zone",
    " ADD",
    " ALTER",
    " DATA",
    " KEY",
    " CHECK (a > 0)",
    " USING c0::bigint",
    " DEFERRABLE",
    " MATCH FULL",
    " COMMENT",
    " ONLY",
    " IF EXISTS",
    " CASCADE",
    " COLUMN",
    " NOT NULL",
    " NULL",
    " NOT",
    " SET",
    " DROP",
    ", c9",
    ",",
    "(",
    ")",
    " DESC",
    " name",
    " USING btree",
    " WHERE c0 > 0",
    "public.",
    "s.",
    ".",
    "\"Q\"",
    " UNIQUE",
    " CONCURRENTLY",
    " ON",
    " -- note\n",
    " /* c */ ",
];

#[test]
fn the_quick_path_gives_the_parsers_ops_or_passes() {
    use retort_core::sql::ops;
    let mut seeds = sql_seeds();
    seeds.push(QUICK.to_string());
    seeds.push(WORDS.to_string());
    let check = |text: &str, what: &str, counts: &mut (usize, usize)| {
        for statement in statements(text) {
            assert!(
                ops::quick_agrees(&statement),
                "{what}: the quick path's ops differ on:\n{statement}"
            );
            counts.0 += 1;
            counts.1 += usize::from(ops::is_quick(&statement));
        }
    };
    let mut seed_counts = (0, 0);
    for seed in &seeds {
        check(seed, "a seed", &mut seed_counts);
    }
    // The forms it knows, as written: all of them are read quickly.
    let mut quick_counts = (0, 0);
    check(QUICK, "the quick forms", &mut quick_counts);
    assert!(
        quick_counts.1 >= 60,
        "only {quick_counts:?} of the quick forms read quickly"
    );
    // The forms read from the words: every one of them is.
    let mut word_counts = (0, 0);
    check(WORDS, "the forms read from words", &mut word_counts);
    for statement in statements(WORDS) {
        assert!(
            ops::reads_from_words(&statement),
            "not read from its words:\n{statement}"
        );
    }
    let (count, (checked, mutated_quick)) =
        check_mutations(&seeds, QUICK_FRAGMENTS, 0x9_01c4_5eed, check);
    let (total, quick) = seed_counts;
    assert!(mutated_quick > 0, "no mutated statement read quickly");
    println!(
        "quick path: {quick} of {total} seed statements; {mutated_quick} of {checked} statements of {count} mutated scripts, all as sqlparser's parser reads them"
    );
}

const PROJECT_FILES: &[&str] = &[
    include_str!("../../tests/fixtures/projects/plain/migrations/env.py"),
    include_str!("../../tests/fixtures/projects/hooks/migrations/env.py"),
    include_str!("../../tests/fixtures/projects/plain/alembic.ini"),
    include_str!("../../tests/fixtures/projects/plain/migrations/script.py.mako"),
];

const PROJECT_FRAGMENTS: &[&str] = &[
    "target_metadata = ",
    "[a, b.metadata",
    "import app.models\n",
    "from . import x\n",
    "context.configure(",
    "include_object=include_object, ",
    "def include_object(object, name, type_, reflected, compare_to):\n    if ",
    "name.startswith((",
    "parent_names['schema_name']",
    " is None",
    "%(here)s",
    "%(",
    "\n  continued",
    "[alembic]\n",
    "path_separator = ",
    "${",
    "${repr(down_revision)}",
    "${upgrades if upgrades else",
    "<%text>",
    "</%text>",
    "<%\n",
    "%>",
    "\\\n",
    "é",
];

#[test]
fn mutated_project_files_never_panic_their_readers() {
    use retort_core::project::config::{Ini, read_config};
    use retort_core::project::env::{model_modules, read_env};
    use retort_core::project::template::{Fields, render};
    use retort_core::python::FileSet;
    use retort_core::rehearse::version_rows;

    let files = FileSet::new([(
        "app/models.py".to_string(),
        "from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\n"
            .to_string(),
    )]);
    let down = vec!["a1".to_string()];
    let mut rng = Rng(0x0dd_ba11_5eed);
    let count = mutations();
    let mut with_diagnostics = 0;
    for i in 0..count {
        let source = mutate(
            PROJECT_FILES[i % PROJECT_FILES.len()],
            PROJECT_FRAGMENTS,
            &mut rng,
        );
        let outcome = std::panic::catch_unwind(|| {
            let env = read_env(&source);
            let (_, found) = model_modules(&env, &files);
            let config = read_config(Some(&Ini::parse(&source, "/p")), "alembic", &[]);
            let fields = Fields {
                message: "m",
                up_revision: "r",
                down_revisions: &down,
                branch_labels: &[],
                depends_on: &[],
                create_date: "d",
                imports: "",
                upgrades: "",
                downgrades: "",
            };
            let _ = render(&source, &fields);
            let _ = version_rows(&source);
            let mut diagnostics = env.diagnostics;
            diagnostics.extend(found);
            (diagnostics, config.problems.len())
        });
        let Ok((diagnostics, _)) = outcome else {
            panic!("input {i} panicked a project reader:\n{source}");
        };
        with_diagnostics += usize::from(!diagnostics.is_empty());
        for d in &diagnostics {
            assert!(
                d.span.end <= source.len() && d.span.start <= d.span.end,
                "input {i}: diagnostic {d:?} outside the text"
            );
        }
    }
    assert!(
        with_diagnostics * 10 > count,
        "only {with_diagnostics} of {count} mutated env.py files had diagnostics"
    );
    println!("{count} mutated project files read, {with_diagnostics} with diagnostics, no panic");
}
