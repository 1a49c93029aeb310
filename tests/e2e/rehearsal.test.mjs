// The rehearsal on real PGlite: Alembic's commands run in the page, with
// seed rows, the real errors, the locks seen in pg_locks and the tables
// rewritten. No mocks: every figure here came from PostgreSQL in wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { marks, open, readyToRehearse, rehearse, replaceText, ROOT, runSql, textOf, writeOut } from './harness.mjs';

const FIXTURE = path.join(ROOT, 'tests/fixtures/history/branched');

/** Runs an Alembic command through the command line and waits for it. */
async function command(page, line) {
  await page.getByTestId('sim-command').fill(line);
  await rehearse(page, 'sim-run');
}

/** The revisions where the database is, as the timeline marks them. */
async function currentRevisions(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="sim-current"]')].map((e) => e.textContent.trim()),
  );
}

/** The revision ids, oldest first. */
async function chain(page) {
  const ids = await page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="sim-revision"]')].map((e) => e.dataset.revision),
  );
  return ids.reverse();
}

async function count(page, sql) {
  await runSql(page, sql);
  await page.waitForFunction(() => document.querySelector('[data-testid="console-result"], [data-testid="console-error"]'));
  const text = await page.locator('[data-testid="console-result"] .result').last().innerText();
  return Number(text.trim().split('\n').pop());
}

test('the example in safe mode goes up and down step by step, keeping every seed row', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await rehearse(page, 'sim-reset');
    assert.match(await textOf(page, 'sim-status'), /reset: 1 table, 100 seed rows each, alembic_version empty \(base\)/);
    assert.deepEqual(await currentRevisions(page), ['base']);
    const ids = await chain(page);
    assert.equal(ids.length, 3, `the safe chain has three revisions: ${ids}`);

    for (const [i, id] of ids.entries()) {
      await rehearse(page, 'sim-step-forward');
      assert.deepEqual(await currentRevisions(page), [id], `after step ${i + 1}`);
      assert.equal(await page.locator('[data-testid="sim-op"][data-status="failed"]').count(), 0);
      assert.match(await textOf(page, 'sim-output'), new RegExp(`Running upgrade .*-> ${id}`));
    }
    await command(page, 'current');
    assert.match(await textOf(page, 'sim-output'), new RegExp(`${ids[2]} \\(head\\)`));
    assert.equal(await count(page, 'SELECT count(*) FROM users WHERE bio IS NOT NULL'), 100, 'the backfill filled every row');

    for (let i = ids.length - 1; i >= 0; i -= 1) {
      await rehearse(page, 'sim-step-back');
      assert.deepEqual(await currentRevisions(page), i === 0 ? ['base'] : [ids[i - 1]]);
    }
    assert.equal(await count(page, 'SELECT count(*) FROM users'), 100, 'every seed row is kept');

    // The whole chain up and down with the buttons.
    await rehearse(page, 'sim-upgrade');
    assert.deepEqual(await currentRevisions(page), [ids[2]]);
    // What PostgreSQL took is what the review's lock table says, op by op.
    assert.equal(await page.locator('[data-testid="sim-lockdiff"]').count(), 0, await textOf(page, 'pane-simulate'));
    assert.match(await textOf(page, 'sim-exclusive'), /ACCESS EXCLUSIVE on users held \d+\.\d ms/);
    await page.getByTestId('pane-simulate').screenshot({ path: path.join(ROOT, 'docs/rehearsal-safe.png') });
    await rehearse(page, 'sim-downgrade');
    assert.deepEqual(await currentRevisions(page), ['base']);

    // Alembic's own words for a bad target.
    await command(page, 'upgrade nowhere');
    assert.match(await textOf(page, 'sim-output'), /FAILED: Can't locate revision identified by 'nowhere'/);

    const figures = await marks(page);
    writeOut('rehearsal-marks.json', JSON.stringify(figures, null, 2));
    assert.ok(figures['retort:reset'], 'reset is measured');
    assert.ok(figures['retort:run'], 'runs are measured');

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});

test('safe mode off: the one-step NOT NULL fails with 23502 and the database stays at base', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await page.getByTestId('safe-mode').uncheck();
    await page.waitForFunction(() => !document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('# ---- revision'));
    await rehearse(page, 'sim-upgrade');
    const failed = page.locator('[data-testid="sim-op"][data-status="failed"]');
    assert.equal(await failed.count(), 1);
    assert.match(await failed.innerText(), /op\.add_column\('users'/);
    assert.equal(await textOf(page, 'sim-error-code'), '23502');
    assert.match(await textOf(page, 'sim-error'), /column "bio" of relation "users" contains null values/);
    assert.deepEqual(await currentRevisions(page), ['base']);
    assert.match(await textOf(page, 'sim-status'), /failed: the database stays at base/);
    assert.match(await textOf(page, 'sim-output'), /The transaction was rolled back/);
    // The op that failed is selected in the revision editor.
    await page.waitForFunction(() => document.getSelection()?.toString().startsWith("op.add_column('users', sa.Column('bio'"));
    await page.getByTestId('pane-simulate').screenshot({ path: path.join(ROOT, 'docs/rehearsal-failed.png') });
    assert.equal(await count(page, 'SELECT count(*) FROM alembic_version'), 0);
    // The models change: the failed run stays in view, marked stale.
    await page.getByTestId('editor-after').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n# edited\n');
    await page.getByTestId('sim-stale').waitFor();
    assert.equal(await page.locator('[data-testid="sim-op"][data-status="failed"]').count(), 1);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

const MODEL = (email, extra = '') => `from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(${email})
${extra}`;

async function rehearseChange(page, before, after, safe) {
  await replaceText(page, 'editor-before', before);
  await replaceText(page, 'editor-after', after);
  const box = page.getByTestId('safe-mode');
  if (safe) await box.check(); else await box.uncheck();
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('def upgrade'));
  // Let the revision settle (the worker answers the latest text).
  await page.waitForTimeout(500);
  await rehearse(page, 'sim-reset');
  await rehearse(page, 'sim-upgrade');
  assert.equal(await page.locator('[data-testid="sim-op"][data-status="failed"]').count(), 0, await textOf(page, 'sim-output'));
}

test('locks seen in pg_locks, rewrites seen in relfilenode', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);

    // A plain index build takes SHARE on the table, seen in pg_locks.
    await rehearseChange(page, MODEL('String(255)'), MODEL('String(255), index=True'), false);
    const locks = await page.locator('[data-testid="sim-locks"]').first().innerText();
    assert.match(locks, /SHARE on users — blocks writes/);
    assert.equal(await page.locator('[data-testid="sim-lockdiff"]').count(), 0, 'the review said SHARE too');

    // Its safe version runs CONCURRENTLY outside the transaction.
    await rehearseChange(page, MODEL('String(255)'), MODEL('String(255), index=True'), true);
    const concurrent = page.locator('[data-testid="sim-op"]', { hasText: 'CONCURRENTLY' });
    assert.equal(await concurrent.count(), 1);
    assert.match(await concurrent.innerText(), /outside a transaction/);
    assert.match(await concurrent.innerText(), /SHARE UPDATE EXCLUSIVE on users .*not observed/);

    // Integer → BigInteger writes the table anew; String(50) → String(100) does not.
    await rehearseChange(
      page,
      MODEL('String(255)', '    visits: Mapped[int] = mapped_column(Integer)\n'),
      MODEL('String(255)', '    visits: Mapped[int] = mapped_column(BigInteger)\n'),
      false,
    );
    assert.match(await textOf(page, 'sim-rewrite'), /users/);
    assert.match(await textOf(page, 'sim-exclusive'), /ACCESS EXCLUSIVE on users held/);
    await rehearseChange(page, MODEL('String(50)'), MODEL('String(100)'), false);
    assert.equal(await page.locator('[data-testid="sim-rewrite"]').count(), 0);
    assert.match(await textOf(page, 'sim-locks'), /ACCESS EXCLUSIVE on users/);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('a versions folder is walked as Alembic walks it, through its merge', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    const files = fs.readdirSync(FIXTURE).filter((f) => f.endsWith('.py')).map((f) => path.join(FIXTURE, f));
    await page.getByTestId('history-files').setInputFiles(files);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-node"]').length === 5);
    await page.getByTestId('sim-source').selectOption('folder');
    await rehearse(page, 'sim-reset');

    await rehearse(page, 'sim-upgrade');
    assert.deepEqual(await currentRevisions(page), ['5e6f708192a3']);
    assert.equal(await page.locator('[data-testid="sim-run-revision"]').count(), 5);
    // One step back from a merge has two ways to go: Alembic refuses.
    await rehearse(page, 'sim-step-back');
    assert.match(await textOf(page, 'sim-output'), /FAILED: Ambiguous walk/);
    assert.deepEqual(await currentRevisions(page), ['5e6f708192a3']);
    // Back to one side of the merge: only the merge is undone, and its row
    // splits into the two heads Alembic leaves.
    await command(page, 'downgrade 3c4d5e6f7081');
    assert.deepEqual((await currentRevisions(page)).sort(), ['3c4d5e6f7081', '4d5e6f708192']);
    await command(page, 'upgrade +1');
    assert.match(await textOf(page, 'sim-output'), /FAILED: Ambiguous upgrade from multiple current revisions/);
    await command(page, 'upgrade heads');
    assert.match(await textOf(page, 'sim-output'), /Running upgrade 3c4d5e6f7081, 4d5e6f708192 -> 5e6f708192a3, merge billing/);
    assert.deepEqual(await currentRevisions(page), ['5e6f708192a3']);
    // From one side of the branch, +1 runs the other side, then the merge.
    await command(page, 'downgrade base');
    await command(page, 'upgrade 3c4d5e6f7081');
    assert.deepEqual(await currentRevisions(page), ['3c4d5e6f7081']);
    await command(page, 'upgrade +1');
    assert.match(await textOf(page, 'sim-output'), /Running upgrade 2b3c4d5e6f70 -> 4d5e6f708192, add name\n.*Running upgrade 3c4d5e6f7081, 4d5e6f708192 -> 5e6f708192a3, merge billing/);
    assert.deepEqual(await currentRevisions(page), ['5e6f708192a3']);
    await command(page, 'history --indicate-current');
    assert.match(await textOf(page, 'sim-output'), /-> 5e6f708192a3 \(billing\) \(head\) \(current\) \(mergepoint\), merge billing/);
    await command(page, 'downgrade base');
    assert.deepEqual(await currentRevisions(page), ['base']);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

const CHAIN = [
  '# ---- revision 1 of 2: aaaa00000001_add_bio.py ----',
  '"""add bio', '', 'Revision ID: aaaa00000001', '"""', 'from alembic import op', 'import sqlalchemy as sa', '',
  "revision = 'aaaa00000001'", 'down_revision = None', 'branch_labels = None', 'depends_on = None', '', '',
  'def upgrade():', "    op.add_column('users', sa.Column('bio', sa.Text(), nullable=True))", '', '',
  'def downgrade():', "    op.drop_column('users', 'bio')", '',
  '# ---- revision 2 of 2: aaaa00000002_bio_not_null.py ----',
  '"""bio not null, no backfill', '', 'Revision ID: aaaa00000002', '"""', 'from alembic import op', 'import sqlalchemy as sa', '',
  "revision = 'aaaa00000002'", "down_revision = 'aaaa00000001'", 'branch_labels = None', 'depends_on = None', '', '',
  'def upgrade():', "    op.alter_column('users', 'bio', existing_type=sa.Text(), nullable=False)", '', '',
  'def downgrade():', "    op.alter_column('users', 'bio', existing_type=sa.Text(), nullable=True)", '',
].join('\n');

test('a revision failing mid-chain: one transaction keeps nothing, one per revision keeps the first', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await replaceText(page, 'editor-revision', CHAIN);
    await page.waitForTimeout(300);
    await rehearse(page, 'sim-reset');
    await rehearse(page, 'sim-upgrade');
    assert.equal(await textOf(page, 'sim-error-code'), '23502');
    assert.deepEqual(await currentRevisions(page), ['base'], 'the one transaction was rolled back');
    assert.equal(await count(page, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'bio'"), 0);

    await page.getByTestId('sim-per-migration').check();
    await rehearse(page, 'sim-reset');
    await rehearse(page, 'sim-upgrade');
    assert.equal(await textOf(page, 'sim-error-code'), '23502');
    assert.deepEqual(await currentRevisions(page), ['aaaa00000001'], 'the first revision committed on its own');
    assert.match(await textOf(page, 'sim-status'), /failed: the database stays at aaaa00000001/);
    assert.equal(await count(page, "SELECT count(*) FROM information_schema.columns WHERE column_name = 'bio'"), 1);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('a seed that breaks a constraint shows PostgreSQL\'s error and can be edited', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await rehearse(page, 'sim-reset');
    await page.locator('.sim-seed summary').click();
    const seed = page.getByTestId('sim-seed');
    assert.match(await seed.inputValue(), /INSERT INTO users \(email\)/);
    await seed.fill("INSERT INTO users (email) VALUES ('same'), ('same');");
    await rehearse(page, 'sim-reset');
    assert.match(await textOf(page, 'sim-seed-error'), /duplicate key value violates unique constraint "users_email_key"/);
    await seed.fill("INSERT INTO users (email) VALUES ('one'), ('two');");
    await rehearse(page, 'sim-reset');
    assert.equal(await page.getByTestId('sim-seed-error').count(), 0);
    assert.equal(await count(page, 'SELECT count(*) FROM users'), 2);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

test('cancel rolls the run back', { timeout: 300_000 }, async () => {
  const session = await open();
  try {
    const { page } = session;
    await readyToRehearse(session);
    await page.getByTestId('sim-rows').fill('100000');
    await page.getByTestId('sim-rows').press('Tab');
    await rehearse(page, 'sim-reset');
    // The backfill of 100,000 rows takes long enough to be cancelled.
    await page.getByTestId('sim-upgrade').click();
    await page.getByTestId('sim-cancel').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="sim-cancel"]'), null, { timeout: 120_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="sim-status"]')?.textContent.endsWith('…'));
    assert.match(await textOf(page, 'sim-output'), /FAILED: cancelled: the transaction was rolled back/);
    assert.deepEqual(await currentRevisions(page), ['base']);
    assert.equal(await count(page, 'SELECT count(*) FROM users'), 100000);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});
