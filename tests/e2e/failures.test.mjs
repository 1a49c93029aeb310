// Bad input and failures: an empty console, invalid SQL, PGlite failing to
// load. Each gives a clear message; the page never goes blank or panics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open, runSql, DIST } from './harness.mjs';

test('an empty console and invalid SQL give clear messages', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await page.getByTestId('console-input').waitFor();

    await runSql(page, '');
    assert.match(await page.getByTestId('console-message').innerText(), /Nothing to run/);
    // Nothing was run, so nothing was loaded.
    assert.equal(await page.getByTestId('pglite-status').getAttribute('data-state'), 'idle');

    await runSql(page, 'SELEC 1;');
    const error = page.getByTestId('console-error');
    await error.waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('console-error-code').innerText(), '42601');
    assert.match(await error.innerText(), /syntax error at or near "SELEC"/);
    assert.match(await error.innerText(), /LINE 1: SELEC 1;\n {8}\^/);

    // Ctrl+Enter runs too; a statement that fails mid-way keeps the editor text.
    const input = page.getByTestId('console-input');
    await input.fill('SELECT 1/0 AS boom;');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('console-error-code').filter({ hasText: '22012' }).waitFor();
    assert.match(await input.innerText(), /SELECT 1\/0 AS boom;/);

    // A script with its own BEGIN that fails is rolled back, and says so:
    // the next run does not meet 25P02 (current transaction is aborted).
    await runSql(page, 'BEGIN; CREATE TABLE kept_not (id int); SELECT 1/0;');
    await page.getByTestId('console-rolled-back').waitFor();
    await runSql(page, "SELECT to_regclass('kept_not') IS NULL AS gone;");
    await page.getByTestId('console-result').waitFor();
    assert.match(await page.getByTestId('console-result').innerText(), /gone\nt/);

    // Only comments: Postgres runs nothing and says so.
    await runSql(page, '-- just a comment');
    assert.match(await page.getByTestId('console-result').innerText(), /No statements were run/);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});

test('a PGlite that fails to load is reported, and the page keeps working', { timeout: 180_000 }, async () => {
  // A copy of dist/ whose PGlite wasm is missing, as after a broken deploy.
  const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'retort-broken-'));
  fs.cpSync(DIST, broken, { recursive: true });
  fs.renameSync(path.join(broken, 'bundle/pglite/pglite.wasm'), path.join(broken, 'bundle/pglite/pglite.wasm.moved'));
  const session = await open(broken);
  try {
    const { page, url } = session;
    await page.goto(url);
    await runSql(page, 'SELECT 1;');
    const status = page.getByTestId('pglite-status');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pglite-status"]')?.dataset.state === 'failed',
      null,
      { timeout: 60_000 },
    );
    assert.match(await status.innerText(), /Postgres failed to load: could not fetch \/bundle\/pglite\/pglite\.wasm: HTTP 404/);
    assert.match(await page.getByTestId('console-error').innerText(), /pglite\.wasm: HTTP 404/);
    // The rest of the page is still there and usable.
    await page.getByTestId('pane-before').waitFor();
    await page.getByTestId('editor-before').click();
    await page.keyboard.type('# still editable');
    assert.match(await page.getByTestId('editor-before').innerText(), /# still editable/);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
    fs.rmSync(broken, { recursive: true, force: true });
  }
});
