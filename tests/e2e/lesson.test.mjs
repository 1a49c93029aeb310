// The lessons, run from start to finish on PGlite: the real error where a
// step is about one, the locks each transaction held, the learner's own
// edit checked, and the progress kept across a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { open, textOf, replaceText, ROOT } from './harness.mjs';

async function runStep(page, expected = 'pass') {
  const before = await page.evaluate(() => document.querySelector('[data-testid="lesson-check"]')?.textContent ?? null);
  await page.getByTestId('lesson-run').click();
  await page.waitForFunction(
    (before) => {
      const check = document.querySelector('[data-testid="lesson-check"]');
      return check && check.textContent !== before && !document.querySelector('[data-testid="lesson-run"]').disabled;
    },
    before,
    { timeout: 120_000 },
  );
  const verdict = await page.getByTestId('lesson-check').getAttribute('data-verdict');
  const text = await textOf(page, 'lesson-check');
  assert.equal(verdict, expected, text);
  return text;
}

const step = (page) => page.getByTestId('lesson-current').getAttribute('data-step');

async function next(page) {
  const was = await step(page);
  await page.getByTestId('lesson-next').click();
  await page.waitForFunction((was) => document.querySelector('[data-testid="lesson-current"]')?.dataset.step !== was, was);
}

test('the 3-step NOT NULL lesson, from the real error to SET NOT NULL without the long lock', { timeout: 600_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await page.locator('[data-testid="lesson-open"][data-lesson="not-null"]').click();
    assert.equal(await page.getByTestId('lesson-step').count(), 6);
    assert.equal(await step(page), '1');
    assert.equal(await page.getByTestId('lesson-next').isDisabled(), true, 'next is earned by a passing run');

    assert.match(await runStep(page), /10,000 rows/);
    await next(page);

    // Step 2: the one-step add_column fails with PostgreSQL's own error.
    const failed = await runStep(page);
    assert.match(failed, /As expected, PostgreSQL refused it: ERROR 23502: column "bio" of relation "lesson_users" contains null values/);
    assert.match(await textOf(page, 'lesson-sql'), /ALTER TABLE lesson_users ADD COLUMN bio TEXT NOT NULL/);
    await next(page);

    // Step 3: the learner's own edit is checked too: NOT NULL again fails.
    await replaceText(page, 'lesson-ops', "op.add_column('lesson_users', sa.Column('bio', sa.Text(), nullable=False))\n");
    assert.match(await runStep(page, 'fail'), /23502/);
    await page.getByTestId('lesson-reset').click();
    await runStep(page);
    assert.match(await textOf(page, 'lesson-locks'), /lesson_users\s*AccessExclusiveLock/);
    await next(page);

    // Step 4: four batches, each committed on its own.
    await runStep(page);
    const batches = (await textOf(page, 'lesson-locks')).match(/UPDATE lesson_users SET bio/g) ?? [];
    assert.equal(batches.length, 4);
    await next(page);

    // Progress survives a reload (the URL and the autosave keep it); the
    // new database replays the earlier steps before step 5.
    await page.waitForTimeout(500);
    await page.reload();
    await page.getByTestId('lesson-current').waitFor();
    assert.equal(await step(page), '5');
    await runStep(page);
    assert.match(await textOf(page, 'lesson-locks'), /ALTER TABLE lesson_users ALTER COLUMN bio SET NOT NULL[\s\S]*AccessExclusiveLock/);
    await next(page);

    // Step 6: VALIDATE runs in its own transaction, under SHARE UPDATE
    // EXCLUSIVE, which does not block writes.
    assert.match(await runStep(page), /bio is NOT NULL again/);
    assert.match(await textOf(page, 'lesson-locks'), /VALIDATE CONSTRAINT ck_lesson_users_bio;?\s*lesson_users\s*ShareUpdateExclusiveLock/);
    assert.equal(await page.getByTestId('lesson-next').isDisabled(), true, 'the last step has no next');
    await page.getByTestId('lesson').screenshot({ path: path.join(ROOT, 'docs/lesson.png') });
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});

test('the CONCURRENTLY lesson: the transaction error, then the autocommit block', { timeout: 600_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await page.locator('[data-testid="lesson-open"][data-lesson="concurrently"]').click();
    await runStep(page);
    await next(page);
    await runStep(page);
    assert.match(await textOf(page, 'lesson-locks'), /lesson_orders\s*ShareLock/);
    await next(page);
    assert.match(await runStep(page), /25001: CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
    await next(page);
    assert.match(await runStep(page), /the index exists and is valid/);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
  }
});
