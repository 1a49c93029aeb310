//! The safety review: rules that judge a migration's ops for what they do
//! to a live PostgreSQL database — locks, table rewrites, scans, failures on
//! tables with rows, lost data.
//!
//! A migration (a revision file, or a `.sql` script) is first flattened into
//! [`Step`]s: one per op, with what the op's surroundings decide — whether
//! it runs inside a transaction (Alembic runs a revision in one on
//! PostgreSQL, except in `autocommit_block()`s), whether its table was
//! created earlier in the same migration (nobody else can see it yet, so no
//! lock on it hurts), whether a `lock_timeout` was set before it. Each rule
//! (one file under `rules/`) reads the steps and reports [`Finding`]s;
//! [`locks`] says which lock each step takes and what that blocks.

pub mod fix;
pub mod ignore;
pub mod locks;
pub mod rules;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::op::{Command, Op, TableRef};
use crate::revision::{Body, DownRevision, Revision};
use crate::schema::TableKey;
use crate::text::Span;

/// The newest PostgreSQL major version retort knows (the default target).
pub const NEWEST_POSTGRES: u32 = 18;
/// The oldest one it judges for.
pub const OLDEST_POSTGRES: u32 = 10;

/// What the review assumes about the database the migration runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The PostgreSQL major version (`10` … [`NEWEST_POSTGRES`]).
    pub postgres: u32,
    /// Whether a `.sql` script runs inside a transaction without saying so
    /// (as a migration tool that wraps each file would run it).
    pub assume_in_transaction: bool,
    /// Rules turned off (by their ids).
    pub disabled: Vec<&'static str>,
    /// Severities that replace a rule's own.
    pub severities: Vec<(&'static str, Severity)>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            postgres: NEWEST_POSTGRES,
            assume_in_transaction: false,
            disabled: Vec::new(),
            severities: Vec::new(),
        }
    }
}

impl Settings {
    /// Whether the configuration leaves `rule` on.
    pub fn enabled(&self, rule: &rules::Rule) -> bool {
        !self.disabled.contains(&rule.id)
    }

    /// The severity configured for `rule`, or `default`.
    pub fn severity(&self, rule: &str, default: Severity) -> Severity {
        self.severities
            .iter()
            .find(|(id, _)| *id == rule)
            .map_or(default, |(_, s)| *s)
    }
}

/// What a migration's text is: an Alembic revision file (Python), or a
/// `.sql` script. Ignore comments, fixes and the reader differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationKind {
    Revision,
    Sql,
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    #[serde(skip)]
    pub span: Span,
    pub message: String,
    /// How to do the same without the danger, where retort knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<fix::Fix>,
}

/// What a rule flags: where, and what it saw there (the judge adds the
/// rule, its severity and its fix to make a [`Finding`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub span: Span,
    pub message: String,
}

impl Flag {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Flag {
            span,
            message: message.into(),
        }
    }
}

/// One op in its surroundings.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// The op itself: never [`Op::Noted`], [`Op::Concurrently`],
    /// [`Op::NotValid`], [`Op::AutocommitBlock`] or [`Op::Sql`] — those are
    /// unwrapped into the fields below and into steps of their own.
    pub op: &'a Op,
    pub span: Span,
    /// Run `CONCURRENTLY`.
    pub concurrently: bool,
    /// A constraint added `NOT VALID`.
    pub not_valid: bool,
    /// Inside a transaction (and which one: steps with the same number
    /// share it).
    pub in_transaction: bool,
    pub transaction: usize,
    /// The op's table was created earlier in this migration.
    pub new_table: bool,
    /// Read from SQL (`op.execute`, a `.sql` file).
    pub from_sql: bool,
    /// A `SET lock_timeout` ran before this step (in this session, or this
    /// transaction for `SET LOCAL`).
    pub lock_timeout: bool,
    /// A `SET TIME ZONE 'UTC'` (or `timezone = 'UTC'`) ran before it.
    pub utc: bool,
    /// A `SET NOT NULL` whose column a validated `CHECK (col IS NOT
    /// NULL)` already proves: PostgreSQL 12 and later skip the scan.
    pub proven_not_null: bool,
}

/// The subject the rules judge: the steps (of the whole migration, or of
/// the part of a long script being judged), and the revision around them.
#[derive(Debug)]
pub struct Subject<'a> {
    pub steps: Vec<Step<'a>>,
    /// A revision's `downgrade()`, as steps (empty for SQL).
    pub downgrade: Vec<Step<'a>>,
    pub settings: &'a Settings,
    pub revision: Option<RevisionFacts>,
    /// The migration's first statement (where a `SET lock_timeout` goes),
    /// when it has one.
    pub first: Option<Span>,
}

/// What a revision says besides its ops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionFacts {
    pub upgrade: Body,
    pub downgrade: Body,
    /// A merge revision (several `down_revision`s): an empty upgrade is
    /// what it should have.
    pub merge: bool,
    /// Where `def upgrade` / `def downgrade` are (or the file's start).
    pub upgrade_at: Span,
    pub downgrade_at: Span,
    /// The upgrade runs SQL retort cannot read: what it does is not known.
    pub unread_sql: bool,
    /// The first statement of `downgrade()` (a block, not the op inside).
    pub downgrade_first: Option<Span>,
}

/// The table an op works on (for a `DROP INDEX` read from SQL, which names
/// no table, `None`).
pub fn table_of(op: &Op) -> Option<TableRef> {
    table_key(op).map(|(schema, name)| TableRef {
        schema: schema.map(str::to_string),
        name: name.to_string(),
    })
}

/// [`table_of`], borrowed from the op: its schema (if named) and name.
pub fn table_key(op: &Op) -> Option<TableKey<'_>> {
    let table = match op {
        Op::CreateTable { table, .. } | Op::DropTable { table, .. } => table.key(),
        Op::AddColumn { table, .. }
        | Op::DropColumn { table, .. }
        | Op::CreateIndex { table, .. }
        | Op::DropIndex { table, .. }
        | Op::CreateUniqueConstraint { table, .. }
        | Op::DropUniqueConstraint { table, .. }
        | Op::CreateForeignKey { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::CreateTableComment { table, .. }
        | Op::DropTableComment { table, .. }
        | Op::CreateCheckConstraint { table, .. }
        | Op::DropConstraint { table, .. }
        | Op::CreatePrimaryKey { table, .. }
        | Op::CreateExcludeConstraint { table, .. } => table.key(),
        Op::AlterColumn(alter) => alter.table.key(),
        Op::RenameTable { schema, old, .. } => (schema.as_deref(), old.as_str()),
        Op::Command(
            Command::SetLogged { table, .. }
            | Command::ValidateConstraint { table, .. }
            | Command::ConstraintUsingIndex { table, .. },
        ) => table.key(),
        Op::Command(Command::Dml { table, .. }) => table.as_ref()?.key(),
        _ => return None,
    };
    (!table.1.is_empty()).then_some(table)
}

/// The table's name as the messages print it.
pub fn display(table: &TableRef) -> String {
    display_key(table.key())
}

/// [`display`] of a borrowed table key.
pub fn display_key((schema, name): TableKey<'_>) -> String {
    match schema {
        Some(schema) => format!("{schema}.{name}"),
        None => name.to_string(),
    }
}

/// What the flattener knows of the steps so far: carried from one part of
/// a long script to the next.
#[derive(Debug, Default)]
pub struct State {
    in_transaction: bool,
    transaction: usize,
    /// The tables created so far, by [`created_key`].
    created: crate::hash::FastSet<String>,
    lock_timeout: bool,
    local_lock_timeout: bool,
    utc: bool,
    /// `CHECK (col IS NOT NULL)` constraints added NOT VALID: the columns
    /// of each (table, constraint name).
    not_valid_checks: crate::hash::FastMap<(String, String), Vec<String>>,
    /// (table, column) a validated `CHECK (col IS NOT NULL)` proves.
    proven_not_null: crate::hash::FastSet<(String, String)>,
}

impl State {
    fn new(in_transaction: bool) -> Self {
        State {
            in_transaction,
            ..State::default()
        }
    }
}

/// A table's key in [`State::created`], written into `out`: the schema and
/// name can hold no NUL byte, so no two tables share a key.
fn created_key((schema, name): TableKey<'_>, out: &mut String) {
    out.clear();
    match schema {
        Some(schema) => {
            out.push('S');
            out.push_str(schema);
            out.push('\0');
        }
        None => out.push('N'),
    }
    out.push_str(name);
}

struct Flattener<'a> {
    steps: Vec<Step<'a>>,
    state: State,
    /// A buffer for [`created_key`].
    key: String,
}

impl<'a> Flattener<'a> {
    fn new(in_transaction: bool, capacity: usize) -> Self {
        Self::resume(State::new(in_transaction), capacity)
    }

    /// Flattens the next ops of a migration whose earlier ops left `state`.
    fn resume(state: State, capacity: usize) -> Self {
        Flattener {
            steps: Vec::with_capacity(capacity),
            state,
            key: String::new(),
        }
    }

    /// Whether the table `key` was created earlier in the migration.
    fn created(&mut self, key: TableKey<'_>) -> bool {
        created_key(key, &mut self.key);
        self.state.created.contains(self.key.as_str())
    }

    fn mark_created(&mut self, key: TableKey<'_>) {
        created_key(key, &mut self.key);
        self.state.created.insert(self.key.clone());
    }

    /// Ops of a revision, with their spans in pre-order.
    fn ops(&mut self, ops: &'a [Op], spans: &mut dyn Iterator<Item = Span>) {
        for op in ops {
            let span = spans.next().unwrap_or_default();
            match op {
                // The ops inside have spans of their own.
                Op::AutocommitBlock(inner) => self.autocommit(|this| this.ops(inner, spans)),
                other => self.op(other, span, false),
            }
        }
    }

    fn end_transaction(&mut self) {
        self.state.transaction += 1;
        self.state.local_lock_timeout = false;
    }

    /// Runs `inside` outside any transaction, as an autocommit block does:
    /// the transaction before it ends, a new one starts after it.
    fn autocommit(&mut self, inside: impl FnOnce(&mut Self)) {
        let outer = self.state.in_transaction;
        self.end_transaction();
        self.state.in_transaction = false;
        inside(self);
        self.end_transaction();
        self.state.in_transaction = outer;
    }

    fn op(&mut self, op: &'a Op, span: Span, from_sql: bool) {
        let mut concurrently = false;
        let mut not_valid = false;
        let mut op = op;
        loop {
            match op {
                Op::Noted { op: inner, .. } => op = inner,
                Op::Concurrently(inner) => {
                    concurrently = true;
                    op = inner;
                }
                Op::NotValid(inner) => {
                    not_valid = true;
                    op = inner;
                }
                _ => break,
            }
        }
        match op {
            Op::AutocommitBlock(inner) => {
                // A block wrapped in another op: its ops share its span.
                self.autocommit(|this| {
                    for op in inner {
                        this.op(op, span, from_sql);
                    }
                });
                return;
            }
            Op::Sql { ops, .. } => {
                for op in ops {
                    self.op(op, span, true);
                }
                return;
            }
            Op::Command(Command::Begin) => {
                self.end_transaction();
                self.state.in_transaction = true;
            }
            Op::Command(Command::Commit | Command::Rollback) => {
                self.end_transaction();
                self.state.in_transaction = false;
            }
            Op::Command(Command::Set { name, value, local }) => {
                let name = name.replace(' ', "");
                if name == "lock_timeout" {
                    let set = !matches!(value.trim_matches('\'').trim(), "0" | "DEFAULT");
                    if *local {
                        self.state.local_lock_timeout = set;
                    } else {
                        self.state.lock_timeout = set;
                    }
                }
                if matches!(name.as_str(), "timezone" | "time") {
                    let value = value.trim_start_matches("ZONE ").trim_matches('\'');
                    self.state.utc = value.eq_ignore_ascii_case("utc");
                }
            }
            Op::CreateCheckConstraint {
                table,
                name,
                sqltext,
            } => {
                if let Some(column) = not_null_check(sqltext) {
                    if not_valid {
                        self.state
                            .not_valid_checks
                            .entry((display(table), name.clone().unwrap_or_default()))
                            .or_default()
                            .push(column);
                    } else {
                        self.state.proven_not_null.insert((display(table), column));
                    }
                }
            }
            Op::Command(Command::ValidateConstraint { table, name }) => {
                let key = (display(table), name.clone());
                if let Some(columns) = self.state.not_valid_checks.get(&key) {
                    for column in columns {
                        self.state
                            .proven_not_null
                            .insert((key.0.clone(), column.clone()));
                    }
                }
            }
            _ => {}
        }
        let proven_not_null = match op {
            Op::AlterColumn(alter) if alter.nullable.target == Some(false) => self
                .state
                .proven_not_null
                .contains(&(display(&alter.table), alter.column.clone())),
            _ => false,
        };
        let new_table = !matches!(op, Op::CreateTable { .. })
            && !self.state.created.is_empty()
            && table_key(op).is_some_and(|t| self.created(t));
        self.steps.push(Step {
            op,
            span,
            concurrently,
            not_valid,
            in_transaction: self.state.in_transaction,
            transaction: self.state.transaction,
            new_table,
            from_sql,
            lock_timeout: self.state.lock_timeout || self.state.local_lock_timeout,
            utc: self.state.utc,
            proven_not_null,
        });
        match op {
            Op::CreateTable { table, .. } => self.mark_created(table.key()),
            Op::RenameTable { schema, old, new } => {
                created_key((schema.as_deref(), old), &mut self.key);
                if self.state.created.remove(self.key.as_str()) {
                    self.mark_created((schema.as_deref(), new));
                }
            }
            _ => {}
        }
    }
}

/// The steps of a revision's upgrade.
pub fn revision_steps<'a>(revision: &'a Revision) -> Vec<Step<'a>> {
    let mut flattener = Flattener::new(true, revision.migration.upgrade.len());
    let mut spans = revision.spans.0.iter().copied();
    flattener.ops(&revision.migration.upgrade, &mut spans);
    flattener.steps
}

/// What the rules read of a whole SQL script's ops, in one part.
pub fn sql_subject<'a>(
    located: &'a [crate::sql::ops::Located],
    settings: &'a Settings,
) -> Subject<'a> {
    let (steps, _) = flatten_sql(located, State::new(settings.assume_in_transaction));
    Subject {
        first: steps.first().map(|s| s.span),
        steps,
        downgrade: Vec::new(),
        settings,
        revision: None,
    }
}

/// The steps of ops of a script whose earlier ops left `state`; and the
/// state after them.
fn flatten_sql(located: &[crate::sql::ops::Located], state: State) -> (Vec<Step<'_>>, State) {
    let mut flattener = Flattener::resume(state, located.len());
    for l in located {
        flattener.op(&l.op, l.span, true);
    }
    (flattener.steps, flattener.state)
}

/// The steps of generated ops (no source: every span is empty), as a
/// revision runs them.
pub fn ops_steps(ops: &[Op]) -> Vec<Step<'_>> {
    let mut flattener = Flattener::new(true, ops.len());
    flattener.ops(ops, &mut std::iter::empty());
    flattener.steps
}

/// Below this many items, a thread costs more than it saves.
const PARALLEL_FROM: usize = 4_000;

/// How many threads a job of `items` items gets: every core for a long one.
fn threads_for(items: usize) -> usize {
    if items >= PARALLEL_FROM {
        crate::par::cores()
    } else {
        1
    }
}

/// `work` on each of `items`, the items shared out over [`threads_for`].
fn on_cores<T: Send>(items: &mut [T], work: impl Fn(&mut T) + Sync) {
    let size = items.len().div_ceil(threads_for(items.len())).max(1);
    crate::par::map(items.chunks_mut(size).collect(), |part| {
        part.iter_mut().for_each(&work)
    });
}

/// A rule at work, with what it remembers of the steps it has read.
type RuleState = (&'static rules::Rule, rules::Memory);

/// `hits` of `rule` as its findings.
fn found(rule: &rules::Rule, settings: &Settings, hits: &mut Vec<Flag>, out: &mut Vec<Finding>) {
    let severity = settings.severity(rule.id, rule.severity);
    out.extend(hits.drain(..).map(|hit| Finding {
        rule: rule.id,
        severity,
        span: hit.span,
        message: hit.message,
        fix: None,
    }));
}

/// The findings of `rules` on `cx`, in no particular order. The rules are
/// independent of each other: on a long migration, outside the browser,
/// they share out over the machine's cores.
fn run_rules(cx: &Subject<'_>, rules: &mut [RuleState]) -> Vec<Finding> {
    let threads = threads_for(cx.steps.len()).min(rules.len()).max(1);
    let mut groups: Vec<Vec<&mut RuleState>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, working) in rules.iter_mut().enumerate() {
        groups[i % threads].push(working);
    }
    crate::par::map(groups, |group| {
        let mut findings = Vec::new();
        let mut hits = Vec::new();
        for (rule, memory) in group {
            match rule.check {
                rules::Check::Steps(check) => check(cx, &mut hits),
                rules::Check::Carried { part, .. } => part(cx, memory, &mut hits),
            }
            found(rule, cx.settings, &mut hits, &mut findings);
        }
        findings
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Findings in source order; one rule's findings at one place keep their
/// order (stable).
fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
}

/// The rules judging one migration: all of it at once, or a long script a
/// part at a time (each part's ops read, judged and freed before the next
/// part's are read: the memory is a part's, not the script's).
#[derive(Debug)]
pub struct Judge<'s> {
    settings: &'s Settings,
    rules: Vec<RuleState>,
    findings: Vec<Finding>,
    /// The enabled rules' fixes, by rule id.
    fixes: crate::hash::FastMap<&'static str, fix::FixFn>,
    /// How many steps the parts had.
    steps: usize,
}

impl<'s> Judge<'s> {
    /// The rules `settings` leaves on, with nothing read yet.
    pub fn new(settings: &'s Settings) -> Self {
        Judge {
            settings,
            rules: rules::RULES
                .iter()
                .copied()
                .filter(|rule| settings.enabled(rule))
                .map(|rule| (rule, rules::Memory::default()))
                .collect(),
            findings: Vec::new(),
            fixes: rules::RULES
                .iter()
                .filter(|rule| settings.enabled(rule))
                .filter_map(|rule| Some((rule.id, rule.fix?)))
                .collect(),
            steps: 0,
        }
    }

    /// Judges `cx` (read from `source`, a migration of `kind`): the
    /// whole migration, or its next part. Each finding gets its fix here,
    /// while the ops are still there.
    pub fn part(&mut self, cx: &Subject<'_>, source: &str, kind: MigrationKind) {
        self.steps += cx.steps.len();
        let mut findings = run_rules(cx, &mut self.rules);
        fix::attach(source, kind, cx, &self.fixes, &mut findings);
        // Sorted here, while the next part is read: the parts come in
        // source order, so `finish` only merges.
        sort(&mut findings);
        self.findings.append(&mut findings);
    }

    /// Every finding, in source order (one rule's findings at one place in
    /// the order the rule reported them), ignores not yet applied.
    pub fn finish(mut self) -> Vec<Finding> {
        let mut hits = Vec::new();
        for (rule, memory) in &mut self.rules {
            if let rules::Check::Carried { end, .. } = rule.check {
                end(memory, &mut hits);
                found(rule, self.settings, &mut hits, &mut self.findings);
            }
        }
        // Sorted runs: the parts', then the end's. What the rules remember
        // of a long script (every index's columns, say) is freed on another
        // core meanwhile.
        let mut findings = std::mem::take(&mut self.findings);
        let memories = std::mem::take(&mut self.rules);
        if threads_for(self.steps) > 1 {
            crate::par::both(|| sort(&mut findings), move || drop(memories));
        } else {
            sort(&mut findings);
        }
        findings
    }
}

/// A SQL script judged a part at a time ([`Judge`]), the flattener's state
/// carried from each part to the next.
#[derive(Debug)]
pub struct ScriptJudge<'s> {
    source: &'s str,
    judge: Judge<'s>,
    state: State,
    first: Option<Span>,
}

impl<'s> ScriptJudge<'s> {
    pub fn new(source: &'s str, settings: &'s Settings) -> Self {
        ScriptJudge {
            source,
            judge: Judge::new(settings),
            state: State::new(settings.assume_in_transaction),
            first: None,
        }
    }

    /// Judges the script's next ops; `steps` sees their steps (for a lock
    /// table).
    pub fn part(&mut self, located: &[crate::sql::ops::Located], steps: impl FnOnce(&[Step<'_>])) {
        let (part, state) = flatten_sql(located, std::mem::take(&mut self.state));
        self.state = state;
        self.first = self.first.or(part.first().map(|s| s.span));
        let cx = Subject {
            steps: part,
            downgrade: Vec::new(),
            settings: self.judge.settings,
            revision: None,
            first: self.first,
        };
        steps(&cx.steps);
        self.judge.part(&cx, self.source, MigrationKind::Sql);
    }

    /// [`Judge::finish`].
    pub fn finish(self) -> Vec<Finding> {
        self.judge.finish()
    }
}

/// How many pieces of a script [`lint_sql`] and `retort lint` read at a time
/// (at 100,000 statements 500 took a median of 0.218 s, 1,000 0.249 s, 2,000
/// 0.244 s in 9 interleaved rounds: a smaller part stays in the caches).
pub const PART: usize = 500;

/// A revision file, reviewed: the findings, and the reader's diagnostics
/// (a statement retort could not read is not judged).
pub fn lint_revision(source: &str, settings: &Settings) -> (Vec<Finding>, Vec<Diagnostic>) {
    let (revision, diagnostics) = crate::revision::read_revision(source);
    (lint_read_revision(&revision, source, settings), diagnostics)
}

/// `findings` of `source` after its ignore comments (see [`ignore`]).
pub fn apply_ignores(
    source: &str,
    kind: MigrationKind,
    findings: Vec<Finding>,
    settings: &Settings,
) -> Vec<Finding> {
    let comments = match kind {
        MigrationKind::Sql => ignore::sql_comments(source),
        MigrationKind::Revision => ignore::python_comments(source),
    };
    ignore::apply(source, &comments, findings, settings)
}

/// A revision already read from `source`, reviewed.
pub fn lint_read_revision(revision: &Revision, source: &str, settings: &Settings) -> Vec<Finding> {
    let findings = findings(
        &revision_subject(revision, source, settings),
        source,
        MigrationKind::Revision,
    );
    apply_ignores(source, MigrationKind::Revision, findings, settings)
}

/// What message opens a finding in `downgrade()`.
pub const DOWNGRADE_PREFIX: &str = "in downgrade(): ";

/// The findings of a revision's `downgrade()`: it runs in production
/// during an incident (`alembic downgrade -1`), when a blocking or failing
/// step hurts most. Judged by the rules [`rules::judges_rollback`] keeps:
/// what blocks or fails, not what a rollback is expected to do (drop what
/// the upgrade created, give back the old types and names).
fn rollback_findings(
    steps: Vec<Step<'_>>,
    first: Option<Span>,
    source: &str,
    settings: &Settings,
) -> Vec<Finding> {
    let cx = Subject {
        steps,
        downgrade: Vec::new(),
        settings,
        revision: None,
        first,
    };
    let mut judge = Judge::new(settings);
    judge.part(&cx, source, MigrationKind::Revision);
    judge
        .finish()
        .into_iter()
        .filter(|f| rules::judges_rollback(f.rule))
        .map(|mut f| {
            f.message = format!("{DOWNGRADE_PREFIX}{}", f.message);
            f
        })
        .collect()
}

/// The rules' findings on `cx` (read from `source`), each with its fix, in
/// source order: a revision's `upgrade()`, then its `downgrade()` by the
/// rules that judge a rollback.
pub fn findings(cx: &Subject<'_>, source: &str, kind: MigrationKind) -> Vec<Finding> {
    let mut judge = Judge::new(cx.settings);
    judge.part(cx, source, kind);
    let mut found = judge.finish();
    if let Some(facts) = &cx.revision
        && !cx.downgrade.is_empty()
    {
        found.extend(rollback_findings(
            cx.downgrade.clone(),
            facts.downgrade_first,
            source,
            cx.settings,
        ));
        sort(&mut found);
    }
    found
}

/// A migration of `kind`, reviewed.
pub fn lint_source(
    source: &str,
    kind: MigrationKind,
    settings: &Settings,
) -> (Vec<Finding>, Vec<Diagnostic>) {
    match kind {
        MigrationKind::Sql => lint_sql(source, settings),
        MigrationKind::Revision => lint_revision(source, settings),
    }
}

/// A migration after its fixes of `level` or better (never display-only
/// ones), linted again until nothing more applies (at most 10 rounds, as a
/// fix may make room for another).
pub fn fix_source(
    source: &str,
    kind: MigrationKind,
    settings: &Settings,
    level: crate::Applicability,
) -> (String, usize) {
    let level = level.max(crate::Applicability::Unsafe);
    let mut text = source.to_string();
    let mut total = 0;
    for _ in 0..10 {
        let (found, _) = lint_source(&text, kind, settings);
        let fixes: Vec<&fix::Fix> = found
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|f| f.applicability >= level)
            .collect();
        let (next, applied) = fix::apply(&text, &fixes);
        if applied == 0 {
            break;
        }
        text = next;
        total += applied;
    }
    (text, total)
}

/// What the rules read of a revision read from `source`.
pub fn revision_subject<'a>(
    revision: &'a Revision,
    source: &str,
    settings: &'a Settings,
) -> Subject<'a> {
    let at = |name: &str| {
        source
            .find(&format!("def {name}("))
            .map_or(Span::new(0, 0), |i| Span::new(i, i + 4 + name.len()))
    };
    let mut downgrade = Flattener::new(true, revision.migration.downgrade.len());
    downgrade.ops(
        &revision.migration.downgrade,
        &mut revision.spans.1.iter().copied(),
    );
    Subject {
        steps: revision_steps(revision),
        downgrade: downgrade.steps,
        settings,
        // The first statement of `upgrade()` (a block, not the op inside it).
        first: revision.spans.0.first().copied(),
        revision: Some(RevisionFacts {
            upgrade: revision.upgrade_body,
            downgrade: revision.downgrade_body,
            merge: matches!(revision.down_revision, DownRevision::Merge(_)),
            upgrade_at: at("upgrade"),
            downgrade_at: at("downgrade"),
            unread_sql: has_unread_sql(&revision.migration.upgrade),
            downgrade_first: revision.spans.1.first().copied(),
        }),
    }
}

/// The column of a `col IS NOT NULL` condition.
fn not_null_check(sqltext: &str) -> Option<String> {
    let text = sqltext.trim().trim_start_matches('(').trim_end_matches(')');
    let upper = text.to_ascii_uppercase();
    let column = upper
        .strip_suffix(" IS NOT NULL")
        .map(|c| text[..c.len()].trim())?;
    (!column.contains(' ')).then(|| column.trim_matches('"').to_string())
}

/// Whether some SQL among `ops` (inside blocks too) could not be read.
fn has_unread_sql(ops: &[Op]) -> bool {
    ops.iter().any(|op| match op {
        Op::Sql { ops, .. } => ops.is_empty() || has_unread_sql(ops),
        Op::AutocommitBlock(ops) => has_unread_sql(ops),
        _ => false,
    })
}

/// `multiple-heads` on a whole history: the heads to report, with the
/// message (none when there is one head, or every head has a branch label
/// that declares it).
pub fn multiple_heads(graph: &crate::graph::Graph) -> Vec<(usize, String)> {
    let heads: Vec<usize> = (0..graph.len()).filter(|&i| graph.is_head(i)).collect();
    if heads.len() < 2 || heads.iter().all(|&i| !graph.branch_labels(i).is_empty()) {
        return Vec::new();
    }
    let ids: Vec<&str> = heads.iter().map(|&i| graph.node(i).id.as_str()).collect();
    heads
        .iter()
        .map(|&i| {
            (
                i,
                format!(
                    "{} heads ({}): `alembic upgrade head` refuses to run; merge them (`alembic merge heads`)",
                    heads.len(),
                    ids.join(", ")
                ),
            )
        })
        .collect()
}

/// A SQL migration, reviewed, [`PART`] pieces at a time.
pub fn lint_sql(source: &str, settings: &Settings) -> (Vec<Finding>, Vec<Diagnostic>) {
    lint_sql_in_parts(source, settings, PART)
}

/// [`lint_sql`], reading `part` pieces at a time: whatever the size, the
/// findings are one pass's (tested).
pub fn lint_sql_in_parts(
    source: &str,
    settings: &Settings,
    part: usize,
) -> (Vec<Finding>, Vec<Diagnostic>) {
    let pieces = crate::sql::split::split(source);
    let mut script = ScriptJudge::new(source, settings);
    let mut diagnostics = Vec::new();
    for part in pieces.chunks(part.max(1)) {
        let (located, mut read) = crate::sql::ops::read_ops_of(source, part);
        diagnostics.append(&mut read);
        script.part(&located, |_| {});
    }
    (
        apply_ignores(source, MigrationKind::Sql, script.finish(), settings),
        diagnostics,
    )
}

#[cfg(test)]
mod tests;
