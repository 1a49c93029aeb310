// The rehearsal's verdicts on real PGlite: the database read back from its
// catalogue against the after model (what `alembic check` reports), and the
// round trip (upgrade, downgrade, upgrade) with the schema and every seed
// row compared at each stage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, readyToRehearse, rehearse, replaceText, ROOT, textOf } from './harness.mjs';

const PAIRS = path.join(ROOT, 'tests/fixtures/pairs');

/** Clicks a rehearsal button and waits until it is done. */
async function press(page, testId, resultId) {
  await page.getByTestId(testId).click();
  await page.waitForFunction(
    (id) => document.querySelector(`[data-testid="${id}"]`) && !document.querySelector('[data-testid="sim-cancel"]'),
    resultId,
    { timeout: 120_000 },
  );
  return page.getByTestId(resultId).getAttribute('data-verdict');
}

/** Puts a fixture pair in the model panes and waits for its revision. */
async function usePair(page, name) {
  const old = await textOf(page, 'editor-revision');
  await replaceText(page, 'editor-before', fs.readFileSync(path.join(PAIRS, name, 'before.py'), 'utf8'));
  await replaceText(page, 'editor-after', fs.readFileSync(path.join(PAIRS, name, 'after.py'), 'utf8'));
  await page.waitForFunction((o) => {
    const text = document.querySelector('[data-testid="editor-revision"]')?.textContent ?? '';
    return text !== o && text.includes('def upgrade');
  }, old);
  await page.waitForTimeout(500);
}

test('the model check: the database matches the after model, or the ops alembic check would report', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await page.getByTestId('sim-reset').click();
    await rehearse(page, 'sim-upgrade');
    assert.equal(await press(page, 'model-check', 'model-check-result'), 'matches', await textOf(page, 'model-check-result'));
    assert.match(await textOf(page, 'model-check-result'), /matches the model \(1 tables\)/);

    // Safe mode off: the one-step revision fails, the database stays at
    // base, and the check says what is missing.
    await page.getByTestId('safe-mode').uncheck();
    await page.waitForFunction(() => !document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('# ---- revision'));
    await page.getByTestId('sim-reset').click();
    await rehearse(page, 'sim-upgrade');
    assert.equal(await page.getByTestId('sim-error-code').innerText(), '23502');
    assert.equal(await press(page, 'model-check', 'model-check-result'), 'differs');
    assert.match(await textOf(page, 'model-check-result'), /op\.add_column\('users', sa\.Column\('bio', sa\.String\(length=500\), nullable=False\)\)/);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('round trips of fixture changes come back identical, rows included', { timeout: 600_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    for (const pair of ['02_add_column', '10_add_index', '20_bigint_type_change', '24_table_comment', '51_add_not_null_column']) {
      await usePair(page, pair);
      const verdict = await press(page, 'sim-roundtrip', 'sim-roundtrip-result');
      assert.equal(verdict, 'identical', `${pair}: ${await textOf(page, 'sim-roundtrip-result')}`);
      assert.match(await textOf(page, 'sim-roundtrip-result'), /identical: .* all \d+ rows/);
    }
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('a revision whose downgrade does nothing fails the round trip, naming the op', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    // A revision whose downgrade was left as `pass`, as a hurried author
    // leaves it, on the example's before model.
    const revision = [
      '"""add bio', '', 'Revision ID: aaaa00000001', 'Revises:', 'Create Date: 2026-12-06', '', '"""',
      'from alembic import op', 'import sqlalchemy as sa', '', "revision = 'aaaa00000001'", 'down_revision = None',
      'branch_labels = None', 'depends_on = None', '', '', 'def upgrade():',
      "    op.add_column('users', sa.Column('bio', sa.Text(), nullable=True))", '', '', 'def downgrade():', '    pass', '',
    ].join('\n');
    await replaceText(page, 'editor-revision', revision);
    await page.waitForTimeout(300);
    const verdict = await press(page, 'sim-roundtrip', 'sim-roundtrip-result');
    const result = await textOf(page, 'sim-roundtrip-result');
    assert.equal(verdict, 'different', result);
    assert.match(result, /its downgrade runs nothing/);
    assert.match(result, /not undone: op\.add_column\('users'/);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('scale: each op measured at 1,000 and 100,000 rows, with an estimate for production', { timeout: 600_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await page.getByTestId('sim-scale').click();
    await page.getByTestId('sim-scale-result').waitFor({ timeout: 300_000 });
    const rows = page.getByTestId('sim-scale-row');
    assert.ok(await rows.count() >= 3, 'every op of the safe chain is measured');
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allInnerTexts();
      assert.match(cells[1], /^\d+\.\d ms$/);
      assert.match(cells[2], /^\d+\.\d ms$/);
      assert.match(cells[3], /^(flat \(catalogue only\)|grows with the rows)/);
    }
    assert.match(await textOf(page, 'sim-status'), /the database is at head with 100000 rows/);
    // The backfill touched every one of the 100,000 rows.
    const backfill = page.locator('[data-testid="sim-op"]', { hasText: 'UPDATE users' });
    assert.match(await backfill.innerText(), /100000 rows/);
    await page.getByTestId('sim-production-rows').fill('20,000,000');
    assert.match(await rows.first().innerText(), /≈ \d+ ms \(estimate from the two measurements\)/);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('the page answers keystrokes while PostgreSQL works (PGlite runs in its own worker)', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await page.getByTestId('sim-scale').click();
    await page.getByTestId('sim-cancel').waitFor();
    // Seeding 100,000 rows and backfilling them takes seconds; a keystroke
    // reaches the editor meanwhile.
    await page.getByTestId('editor-after').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('# typed while it ran');
    const during = await page.evaluate(() => ({
      typed: document.querySelector('[data-testid="editor-after"]')?.textContent.includes('# typed while it ran'),
      busy: Boolean(document.querySelector('[data-testid="sim-cancel"]')),
    }));
    assert.deepEqual(during, { typed: true, busy: true });
    await page.getByTestId('sim-scale-result').waitFor({ timeout: 300_000 });
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});
