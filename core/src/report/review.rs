//! The review of one editor's text, as the playground shows it.
//!
//! The Revision pane holds one revision file, or the chain of revisions a
//! `NOT NULL` split writes, one after another, each opened by a
//! [`crate::render::separator`] line. [`review`] cuts the text at those lines, reviews each
//! revision on its own (as `retort lint` reviews a file), and gives
//! everything back with byte offsets into the whole text: the findings with
//! their rule's explanation and fix, the lock table, the reader's
//! diagnostics, and the PostgreSQL the chain runs both ways (what `alembic
//! upgrade --sql` prints for it). [`apply_fix`] and [`fix_all`] edit the
//! same text, so the pane's "Fix" buttons change the revision in place.

use super::{Explained, FixView, LockRow, Review, ReviewFinding};
use crate::diagnostic::{Applicability, Diagnostic};
use crate::lint::fix::{self, Fix};
use crate::lint::locks::{Work, locks};
use crate::lint::{Finding, MigrationKind, Settings};
use crate::render::SEPARATOR;
use crate::render::script::{Direction, files_script};
use crate::revision::{Revision, read_revision};
use crate::text::{LineIndex, Span};

/// The byte ranges of the revisions in `text`: cut before each
/// [`crate::render::separator`] line (text before the first one, if any, is a revision
/// too when it holds more than blank lines).
pub fn segments(text: &str) -> Vec<Span> {
    let mut starts = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(SEPARATOR) {
            starts.push(at);
        }
        at += line.len();
    }
    if starts.first() != Some(&0) {
        let leading = starts.first().map_or(text.len(), |&s| s);
        if !text[..leading].trim().is_empty() || starts.is_empty() {
            starts.insert(0, 0);
        }
    }
    let mut spans: Vec<Span> = starts.windows(2).map(|w| Span::new(w[0], w[1])).collect();
    if let Some(&last) = starts.last() {
        spans.push(Span::new(last, text.len()));
    }
    spans
}

fn shifted(span: Span, by: usize) -> Span {
    Span::new(span.start + by, span.end + by)
}

fn explained(rule: &str) -> Option<Explained> {
    let rule = crate::lint::rules::rule(rule)?;
    let e = rule.explanation;
    Some(Explained {
        summary: rule.summary.to_string(),
        what: e.what.to_string(),
        why: e.why.to_string(),
        example: e.example.to_string(),
        instead: e.instead.to_string(),
        fix_safety: e.fix_safety.to_string(),
    })
}

/// The whole lines `fix` touches in `text`, and the same lines after it.
pub fn preview(text: &str, fix: &Fix) -> (String, String) {
    let (Some(first), Some(last)) = (
        fix.edits.iter().map(|e| e.span.start).min(),
        fix.edits.iter().map(|e| e.span.end).max(),
    ) else {
        return (String::new(), String::new());
    };
    if last > text.len() || !text.is_char_boundary(first) || !text.is_char_boundary(last) {
        return (String::new(), String::new());
    }
    let start = text[..first].rfind('\n').map_or(0, |p| p + 1);
    let end = text[last..].find('\n').map_or(text.len(), |p| last + p);
    let before = text.get(start..end).unwrap_or("").to_string();
    let region = Fix {
        edits: fix
            .edits
            .iter()
            .map(|e| fix::Edit {
                span: Span::new(e.span.start - start, e.span.end - start),
                text: e.text.clone(),
            })
            .collect(),
        ..fix.clone()
    };
    let (after, _) = fix::apply(&before, &[&region]);
    (before, after)
}

/// A review, and each finding's fix with its edits in whole-text offsets
/// (in the order of `review.findings`).
#[derive(Debug, Clone, Default)]
pub struct Reviewed {
    pub review: Review,
    fixes: Vec<Option<Fix>>,
}

/// What the reviews of a text's parts add up to.
struct Collector<'t> {
    text: &'t str,
    index: LineIndex<'t>,
    out: Review,
    /// Each finding with its fix (whole-text offsets), until `finish`
    /// sorts them.
    found: Vec<(ReviewFinding, Option<Fix>)>,
}

impl<'t> Collector<'t> {
    /// The lock rows and findings of one part of the text (`cx` read from
    /// `part`, a migration of `kind`).
    fn add(
        &mut self,
        cx: &crate::lint::Subject<'_>,
        part: Span,
        kind: MigrationKind,
        settings: &Settings,
    ) {
        let at = part.start;
        let source = &self.text[part.start..part.end];
        for step in &cx.steps {
            let span = shifted(step.span, at);
            let line = self.index.line_col(span.start).line;
            let statement = self
                .index
                .line_text(line)
                .unwrap_or("")
                .trim()
                .chars()
                .take(120)
                .collect::<String>();
            for lock in locks(step, settings) {
                self.out.locks.push(LockRow {
                    span,
                    line,
                    statement: statement.clone(),
                    mode: lock.mode.name().to_string(),
                    blocks: lock.mode.blocks().to_string(),
                    work: lock.work.describe().to_string(),
                    blocks_traffic: lock.mode.blocks_traffic(),
                    slow: lock.work.slow(),
                    rewrite: lock.work == Work::Rewrite,
                    unseen: crate::lint::locks::unseen(step, &lock),
                    table: lock.table,
                });
            }
        }
        let findings = crate::lint::findings(cx, source, kind);
        let findings: Vec<Finding> = crate::lint::apply_ignores(source, kind, findings, settings);
        for finding in findings {
            let span = shifted(finding.span, at);
            let place = self.index.line_col(span.start);
            let fix = finding.fix.map(|f| Fix {
                edits: f
                    .edits
                    .into_iter()
                    .map(|e| fix::Edit {
                        span: shifted(e.span, at),
                        text: e.text,
                    })
                    .collect(),
                ..f
            });
            let view = ReviewFinding {
                rule: finding.rule.to_string(),
                severity: finding.severity,
                span,
                line: place.line,
                column: place.column,
                message: finding.message,
                explanation: explained(finding.rule),
                fix: fix.as_ref().map(|f| {
                    let (before, after) = preview(self.text, f);
                    FixView {
                        title: f.title.clone(),
                        applicability: f.applicability,
                        before,
                        after,
                    }
                }),
            };
            self.found.push((view, fix));
        }
    }

    fn diagnostics(&mut self, diagnostics: Vec<Diagnostic>, at: usize) {
        self.out
            .diagnostics
            .extend(diagnostics.into_iter().map(|d| Diagnostic {
                span: shifted(d.span, at),
                ..d
            }));
    }

    /// Most severe first, then in the text's order.
    fn finish(mut self) -> Reviewed {
        self.found.sort_by(|(a, _), (b, _)| {
            (b.severity, a.span.start, &a.rule).cmp(&(a.severity, b.span.start, &b.rule))
        });
        let (findings, fixes) = self.found.into_iter().unzip();
        self.out.findings = findings;
        Reviewed {
            review: self.out,
            fixes,
        }
    }
}

/// Reviews `text` for `settings`: one revision file, a chain cut by
/// [`crate::render::separator`] lines, or a SQL script (told by its first statement,
/// `input::looks_like_sql`).
pub fn review(text: &str, settings: &Settings) -> Reviewed {
    let mut collect = Collector {
        text,
        index: LineIndex::new(text),
        out: Review::default(),
        found: Vec::new(),
    };
    if crate::input::looks_like_sql(text) {
        let (located, diagnostics) = crate::sql::ops::read_ops(text);
        let cx = crate::lint::sql_subject(&located, settings);
        collect.add(&cx, Span::new(0, text.len()), MigrationKind::Sql, settings);
        collect.diagnostics(diagnostics, 0);
        collect.out.sql = true;
        collect.out.revisions = 0;
        // A script runs as written, and has no way back.
        collect.out.upgrade_sql = text.to_string();
        collect.out.downgrade_sql =
            "-- a SQL script has no downgrade: it runs as written, one way\n".to_string();
        return collect.finish();
    }
    let mut read: Vec<(Span, Revision)> = Vec::new();
    let mut checks = Vec::new();
    for segment in segments(text) {
        let source = &text[segment.start..segment.end];
        let (revision, diagnostics) = read_revision(source);
        let cx = crate::lint::revision_subject(&revision, source, settings);
        collect.add(&cx, segment, MigrationKind::Revision, settings);
        collect.diagnostics(diagnostics, segment.start);
        checks.push(super::checklist::entry(&revision, &cx, settings));
        read.push((segment, revision));
    }
    collect.out.revisions = read.len();
    collect.out.checks = super::checklist::ordered(checks).entries;
    sql_of(&read, &mut collect.out);
    collect.finish()
}

/// The offline SQL of the text's revisions, in the order Alembic runs them
/// (a chain from the models: oldest first).
fn sql_of(read: &[(Span, Revision)], out: &mut Review) {
    let revisions: Vec<&Revision> = read.iter().map(|(_, r)| r).collect();
    if revisions.iter().any(|r| r.id.is_none()) {
        out.sql_errors
            .push("a revision without `revision = '…'` is left out of the SQL".to_string());
    }
    for (direction, name) in [
        (Direction::Upgrade, "upgrade"),
        (Direction::Downgrade, "downgrade"),
    ] {
        let written = files_script(&revisions, direction, "heads");
        out.sql_errors
            .extend(written.problems.iter().map(|p| format!("{name}: {p}")));
        out.sql_errors.extend(
            written
                .script
                .errors
                .iter()
                .map(|e| format!("{name} of {}: {}", e.rev_id, e.message)),
        );
        match direction {
            Direction::Upgrade => out.upgrade_sql = written.script.text,
            Direction::Downgrade => out.downgrade_sql = written.script.text,
        }
    }
}

/// `text` with the fix of `review.findings[finding]` applied (`review`
/// made from `text`); `None` when it has no fix to apply (display-only
/// fixes are patterns with a placeholder, never applied).
pub fn apply_fix(text: &str, review: &Reviewed, finding: usize) -> Option<String> {
    let fix = review.fixes.get(finding)?.as_ref()?;
    if fix.applicability == Applicability::DisplayOnly {
        return None;
    }
    let (fixed, applied) = fix::apply(text, &[fix]);
    (applied == 1).then_some(fixed)
}

/// `text` with every fix of `level` or better applied, revision by
/// revision (or to the whole SQL script), relinting until nothing more
/// applies; and how many were.
pub fn fix_all(text: &str, settings: &Settings, level: Applicability) -> (String, usize) {
    if crate::input::looks_like_sql(text) {
        return crate::lint::fix_source(text, MigrationKind::Sql, settings, level);
    }
    let mut out = String::with_capacity(text.len());
    let mut total = 0;
    for segment in segments(text) {
        let (fixed, applied) = crate::lint::fix_source(
            &text[segment.start..segment.end],
            MigrationKind::Revision,
            settings,
            level,
        );
        out.push_str(&fixed);
        total += applied;
    }
    (out, total)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::diagnostic::Severity;
    use crate::render::separator;

    const HEAD: &str = "\"\"\"add plan\n\nRevision ID: a1\nRevises: \nCreate Date: (now)\n\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = 'a1'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\n";

    fn revision(body: &str) -> String {
        format!(
            "{HEAD}def upgrade():\n{body}\n\ndef downgrade():\n    op.drop_index('ix_users_email', table_name='users')\n"
        )
    }

    #[test]
    fn a_chain_is_cut_at_its_separators() {
        let one = revision("    pass");
        assert_eq!(segments(&one), vec![Span::new(0, one.len())]);
        let chain = format!(
            "{}{one}\n{}{one}",
            separator(1, 2, "a1"),
            separator(2, 2, "a2")
        );
        let cut = segments(&chain);
        assert_eq!(cut.len(), 2);
        assert!(chain[cut[1].start..].starts_with("# ---- revision 2 of 2"));
        assert_eq!(cut[1].end, chain.len());
        assert_eq!(segments(""), vec![Span::new(0, 0)]);
    }

    #[test]
    fn findings_point_into_the_whole_text_and_their_fix_applies() {
        let one = revision("    op.create_index('ix_users_email', 'users', ['email'])");
        let chain = format!(
            "{}{one}\n{}{one}",
            separator(1, 2, "a1"),
            separator(2, 2, "a2")
        );
        let reviewed = review(&chain, &Settings::default());
        let review = &reviewed.review;
        assert_eq!(review.revisions, 2);
        let index: Vec<&ReviewFinding> = review
            .findings
            .iter()
            .filter(|f| f.rule == "create-index-non-concurrently")
            .collect();
        assert_eq!(index.len(), 2);
        let second = index[1];
        assert!(chain[second.span.start..].starts_with("op.create_index"));
        assert!(second.span.start > chain.len() / 2);
        assert!(second.explanation.is_some());
        let view = second.fix.as_ref().expect("a fix");
        assert!(view.after.contains("autocommit_block"), "{}", view.after);
        assert!(view.before.contains("op.create_index"));
        // Locks name the table and the mode.
        assert!(
            review
                .locks
                .iter()
                .any(|l| l.table == "users" && l.mode == "SHARE" && !l.unseen)
        );
        // Applying the second revision's fix leaves the first as it was.
        let position = review
            .findings
            .iter()
            .position(|f| f == second)
            .expect("listed");
        let fixed = apply_fix(&chain, &reviewed, position).expect("applies");
        let again = super::review(&fixed, &Settings::default()).review;
        let left: Vec<usize> = again
            .findings
            .iter()
            .filter(|f| f.rule == "create-index-non-concurrently")
            .map(|f| f.line)
            .collect();
        assert_eq!(left, vec![index[0].line]);
        // Errors and warnings come before information.
        assert!(
            review
                .findings
                .windows(2)
                .all(|w| w[0].severity >= w[1].severity)
        );
    }

    #[test]
    fn fixing_everything_leaves_nothing_to_fix() {
        let one = revision(
            "    op.create_index('ix_users_email', 'users', ['email'])\n    op.create_foreign_key('fk', 'posts', 'users', ['user_id'], ['id'])",
        );
        let (fixed, applied) = fix_all(&one, &Settings::default(), Applicability::Unsafe);
        assert!(applied >= 2, "{fixed}");
        let again = review(&fixed, &Settings::default()).review;
        assert!(again.findings.iter().all(|f| {
            f.fix
                .as_ref()
                .is_none_or(|f| f.applicability == Applicability::DisplayOnly)
        }));
    }

    #[test]
    fn display_only_fixes_are_not_applied() {
        let one =
            revision("    op.add_column('users', sa.Column('plan', sa.String(), nullable=False))");
        let reviewed = review(&one, &Settings::default());
        let review = &reviewed.review;
        let (i, finding) = review
            .findings
            .iter()
            .enumerate()
            .find(|(_, f)| f.rule == "add-not-null-column-without-default")
            .expect("found");
        assert_eq!(
            finding.fix.as_ref().map(|f| f.applicability),
            Some(Applicability::DisplayOnly)
        );
        assert_eq!(apply_fix(&one, &reviewed, i), None);
        assert_eq!(review.findings[0].severity, Severity::Error);
    }

    #[test]
    fn the_chain_runs_as_offline_sql() {
        let one = revision("    op.create_index('ix_users_email', 'users', ['email'])");
        let reviewed = review(&one, &Settings::default());
        let review = &reviewed.review;
        assert!(
            review
                .upgrade_sql
                .contains("CREATE INDEX ix_users_email ON users (email)"),
            "{}",
            review.upgrade_sql
        );
        assert!(review.downgrade_sql.contains("DROP INDEX ix_users_email"));
    }

    #[test]
    fn safe_mode_revisions_accept_their_backfill_downgrade() {
        let head = "from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n    __tablename__ = 'users'\n    id: Mapped[int] = mapped_column(primary_key=True)\n";
        let (before, _) = crate::python::read_schema(head);
        let (after, _) = crate::python::read_schema(&format!(
            "{head}    bio: Mapped[str] = mapped_column(String(500))\n"
        ));
        let (steps, _) = crate::diff::plan(
            &before,
            &after,
            crate::diff::Options { safe: true },
            &[],
            &[],
        );
        assert_eq!(steps.len(), 3);
        let ids = ["a1", "a2", "a3"];
        let mut text = String::new();
        for (i, step) in steps.iter().enumerate() {
            text.push_str(&separator(i + 1, 3, ids[i]));
            text.push_str(&crate::render::revision(
                &crate::render::RevisionHeader {
                    message: "m",
                    rev_id: ids[i],
                    down_revision: i.checked_sub(1).map(|p| ids[p]),
                    create_date: "(now)",
                },
                &step.migration,
                &crate::render::RenderOptions {
                    database_enums: &[],
                    batch: false,
                },
            ));
        }
        let reviewed = review(&text, &Settings::default());
        let review = &reviewed.review;
        let rules: Vec<&str> = review.findings.iter().map(|f| f.rule.as_str()).collect();
        assert!(!rules.contains(&"missing-downgrade"), "{rules:?}");
        assert!(!rules.contains(&"unused-ignore") && !rules.contains(&"invalid-ignore"));
        // SET NOT NULL is proven by a validated CHECK first.
        assert!(!rules.contains(&"set-not-null"), "{rules:?}");
        assert!(
            !rules.contains(&"statements-after-exclusive-lock"),
            "{rules:?}"
        );
    }

    #[test]
    fn a_sql_script_is_reviewed_as_sql() {
        let script = "ALTER TABLE users ADD COLUMN plan text NOT NULL;\nCREATE INDEX ix_users_plan ON users (plan);\n";
        let reviewed = review(script, &Settings::default());
        let review = &reviewed.review;
        assert!(review.sql && review.revisions == 0);
        let rules: Vec<&str> = review.findings.iter().map(|f| f.rule.as_str()).collect();
        assert!(
            rules.contains(&"add-not-null-column-without-default"),
            "{rules:?}"
        );
        assert!(
            rules.contains(&"create-index-non-concurrently"),
            "{rules:?}"
        );
        assert_eq!(review.upgrade_sql, script);
        assert!(
            review
                .locks
                .iter()
                .any(|l| l.table == "users" && l.line == 2)
        );
        // Its fixes apply to the script.
        let i = review
            .findings
            .iter()
            .position(|f| f.rule == "create-index-non-concurrently")
            .expect("listed");
        let fixed = apply_fix(script, &reviewed, i).expect("a fix");
        assert!(fixed.contains("CREATE INDEX CONCURRENTLY"), "{fixed}");
        let (all, applied) = fix_all(script, &Settings::default(), Applicability::Safe);
        assert!(applied >= 1 && all.contains("CONCURRENTLY"), "{all}");
    }

    #[test]
    fn bad_text_is_reviewed_without_a_panic() {
        for text in [
            "",
            "def upgrade(:\n",
            "\u{feff}é\n# ---- revision \n",
            "# ---- revision 1 of 1: x ----\n",
        ] {
            let reviewed = review(text, &Settings::default());
            let review = &reviewed.review;
            for f in &review.findings {
                assert!(text.is_char_boundary(f.span.start) && f.span.end <= text.len());
            }
            for d in &review.diagnostics {
                assert!(d.span.end <= text.len());
            }
        }
    }
}
