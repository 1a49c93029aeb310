// The Review pane: the safety review of the Revision pane's text, redone on
// every edit — findings by severity with their explanation, a click shows
// the op in the revision, a fix is one click (and undone with another), the
// lock table, the PostgreSQL version it judges for. The SQL pane follows
// the same (editable) text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, replaceText, ROOT, textOf } from './harness.mjs';

const HAND_WRITTEN = [
  '"""add plan',
  '',
  'Revision ID: 3f2a',
  'Revises: ae10',
  'Create Date: 2026-12-01 09:00:00',
  '',
  '"""',
  'from alembic import op',
  'import sqlalchemy as sa',
  '',
  "revision = '3f2a'",
  "down_revision = 'ae10'",
  'branch_labels = None',
  'depends_on = None',
  '',
  '',
  'def upgrade():',
  "    op.add_column('accounts', sa.Column('plan', sa.Text(), server_default='free', nullable=False))",
  "    op.create_index('ix_accounts_plan', 'accounts', ['plan'])",
  '',
  '',
  'def downgrade():',
  "    op.drop_index('ix_accounts_plan', table_name='accounts')",
  "    op.drop_column('accounts', 'plan')",
  '',
].join('\n');

/** The rule ids listed, in order. */
const rules = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="review-finding"]')].map((e) => e.getAttribute('data-rule')),
  );

/** Waits until the review lists (or stops listing) `rule`. */
const waitForRule = (page, rule, present = true) =>
  page.waitForFunction(
    ([rule, present]) =>
      !!document.querySelector(`[data-testid="review-finding"][data-rule="${rule}"]`) === present,
    [rule, present],
  );

test('the review judges the revision and fixes it in one click', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);

    // The example, in safe mode: three revisions, each reviewed, and safe
    // mode passes its own review: no warning.
    await page.waitForFunction(() =>
      /^3 revisions: /.test(document.querySelector('[data-testid="review-summary"]')?.textContent ?? ''),
    );
    await page.waitForSelector('[data-testid="lock-table"]');
    const safeRules = await rules(page);
    for (const [rule, why] of [
      ['invalid-ignore', "retort's own # retort: notes are not ignores"],
      ['add-not-null-column-without-default', 'safe mode adds it nullable'],
      ['missing-downgrade', 'the backfill leaves nothing to undo'],
      ['missing-lock-timeout', 'safe mode sets a lock_timeout first'],
      ['set-not-null', 'a validated CHECK proves NOT NULL first'],
      ['statements-after-exclusive-lock', 'SET NOT NULL no longer scans'],
    ]) {
      assert.ok(!safeRules.includes(rule), `${rule}: ${why} (${safeRules.join()})`);
    }
    // The lock table: the CHECK is validated under SHARE UPDATE EXCLUSIVE
    // (traffic flows), and no step scans users under ACCESS EXCLUSIVE.
    const locks = await textOf(page, 'lock-table');
    assert.match(locks, /SHARE UPDATE EXCLUSIVE\s*users\s*scans every row/);
    assert.doesNotMatch(locks, /ACCESS EXCLUSIVE\s*users\s*scans every row/);

    // Safe mode off: Alembic's own revision, whose NOT NULL column fails on
    // a table with rows — an error, listed first, with the 3-step pattern
    // as a fix to read (never applied).
    await page.getByTestId('safe-mode').uncheck();
    await waitForRule(page, 'add-not-null-column-without-default');
    assert.match(await textOf(page, 'review-summary'), /^1 revision: 1 error, /);
    assert.equal((await rules(page))[0], 'add-not-null-column-without-default');
    const error = page.locator('[data-testid="review-finding"][data-rule="add-not-null-column-without-default"]');
    assert.match(await error.innerText(), /fails if users has rows/);
    assert.equal(await error.getByTestId('review-apply').count(), 0, 'a pattern is not applied');
    assert.match(await error.getByTestId('review-fix').innerText(), /<value>/);
    // Its explanation: what, why, example, instead, fix safety.
    await error.locator('details.explanation summary').click();
    assert.match(await error.locator('details.explanation').innerText(), /Why is this bad\?[\s\S]*Use instead\./);

    // The README's picture of the pane.
    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    await page.getByTestId('pane-review').screenshot({ path: path.join(ROOT, 'docs/review.png') });

    // A click on the finding selects its op in the revision.
    await error.locator('.finding-head').click();
    await page.waitForFunction(() => document.getSelection()?.toString().startsWith('op.add_column'));

    // One click applies the lock_timeout fix to upgrade(); the review, the
    // underlines and the SQL pane follow the fixed text; Undo restores it.
    // downgrade() is reviewed too (a rollback waits on the same lock), so
    // its own finding stays.
    const before = await textOf(page, 'editor-revision');
    const timeouts = page.locator('[data-testid="review-finding"][data-rule="missing-lock-timeout"]');
    const count = (n) =>
      page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid="review-finding"][data-rule="missing-lock-timeout"]').length === n,
        n,
      );
    await count(2);
    await timeouts.filter({ hasNotText: 'in downgrade()' }).getByTestId('review-apply').click();
    await count(1);
    assert.match(await timeouts.first().innerText(), /in downgrade\(\)/);
    assert.match(await textOf(page, 'editor-revision'), /op\.execute\("SET lock_timeout = '5s'"\)/);
    assert.match(await textOf(page, 'review-summary'), /1 fix applied/);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes("SET lock_timeout = '5s';"),
    );
    assert.match(await textOf(page, 'revision-status'), /edited: the review and the SQL follow your text/);
    await page.getByTestId('review-undo').click();
    await count(2);
    assert.equal(await textOf(page, 'editor-revision'), before);

    // A hand-written revision pasted in: judged for PostgreSQL 18, then 10
    // (where a constant default still rewrites the table).
    await replaceText(page, 'editor-revision', HAND_WRITTEN);
    await waitForRule(page, 'create-index-non-concurrently');
    assert.ok(!(await rules(page)).includes('add-column-volatile-default'));
    await page.getByTestId('review-postgres').selectOption('10');
    await waitForRule(page, 'add-column-volatile-default');
    await page.getByTestId('review-postgres').selectOption('18');
    await waitForRule(page, 'add-column-volatile-default', false);

    // Every safe fix at once: the index is built CONCURRENTLY in an
    // autocommit block, a lock_timeout set; nothing fixable is left.
    await page.getByTestId('review-fix-safe').click();
    await waitForRule(page, 'create-index-non-concurrently', false);
    const fixed = await textOf(page, 'editor-revision');
    assert.match(fixed, /autocommit_block\(\)/);
    assert.match(fixed, /postgresql_concurrently=True/);
    assert.match(fixed, /SET lock_timeout/);
    assert.ok(await page.getByTestId('review-fix-safe').isDisabled());

    // Typed a key at a time (a review per key, faster than the worker
    // answers): the review that stays is the one of the last text.
    const revisionEditor = page.getByTestId('editor-revision');
    await revisionEditor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\n# retort: ignore-file[drop-table] -- x', { delay: 0 });
    // Only the last key gives the ignore its reason: until then it is
    // invalid, after it unused (nothing here drops a table).
    await waitForRule(page, 'unused-ignore');
    await waitForRule(page, 'invalid-ignore', false);
    assert.match(await textOf(page, 'editor-revision'), /-- x$/);

    // Half-typed text: the reader's problem is shown, the review goes on.
    const editor = page.getByTestId('editor-revision');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\ndef broken(:\n');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="review-problems"]')?.textContent.length > 0,
    );
    assert.match(await textOf(page, 'review-summary'), /^1 revision/);

    // A SQL migration pasted instead: reviewed by the SQL reader, its fix
    // applied to the script; the SQL pane shows it as written.
    await replaceText(page, 'editor-revision', 'ALTER TABLE users ADD COLUMN plan text;\nCREATE INDEX ix_users_plan ON users (plan);\n');
    await waitForRule(page, 'create-index-non-concurrently');
    assert.match(await textOf(page, 'review-summary'), /^a SQL script: /);
    await page.locator('[data-testid="review-finding"][data-rule="create-index-non-concurrently"]').getByTestId('review-apply').click();
    await waitForRule(page, 'create-index-non-concurrently', false);
    assert.match(await textOf(page, 'editor-revision'), /CREATE INDEX CONCURRENTLY ix_users_plan ON users \(plan\)/);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes('CREATE INDEX CONCURRENTLY'),
    );

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
