// The SQL console on real PGlite: the flow from issue #3's acceptance test,
// plus the screenshot for the README and the timing figures for BENCHMARKS.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, marks, runSql, writeOut, ROOT } from './harness.mjs';

let session;
before(async () => {
  session = await open();
}, { timeout: 60_000 });
after(async () => {
  await session?.close();
});

test('console runs SQL on PGlite, shows rows and Postgres errors, stays on its origin', { timeout: 180_000 }, async () => {
  const { page, url } = session;
  await page.goto(url);

  for (const pane of ['before', 'after', 'revision', 'sql', 'review', 'simulate']) {
    await page.getByTestId(`pane-${pane}`).waitFor();
  }
  // The model editors are real CodeMirror editors with Python content.
  await page.getByTestId('editor-before').waitFor();
  assert.match(await page.getByTestId('editor-after').innerText(), /__tablename__ = "users"/);

  // PGlite is not loaded until it is needed.
  const status = page.getByTestId('pglite-status');
  assert.equal(await status.getAttribute('data-state'), 'idle');
  assert.ok(!session.requests.some((u) => u.includes('pglite.wasm')), 'PGlite loaded before it was needed');
  await page.waitForFunction(() => performance.getEntriesByName('retort:interactive').length > 0);

  await runSql(page, 'CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1); SELECT * FROM t;');
  const result = page.getByTestId('console-result');
  await result.waitFor({ timeout: 60_000 });
  assert.equal(await status.getAttribute('data-state'), 'ready');
  assert.match(await status.innerText(), /PostgreSQL \d+\.\d+ \(PGlite [\d.]+\) ready in \d+\.\d s/);
  const table = result.locator('table').last();
  assert.deepEqual(await table.locator('th').allInnerTexts(), ['id']);
  assert.deepEqual(await table.locator('tbody td').allInnerTexts(), ['1']);
  assert.match(await result.innerText(), /INSERT · 1 row/);

  await runSql(page, 'SELECT * FROM missing;');
  const error = page.getByTestId('console-error');
  await error.waitFor();
  assert.equal(await page.getByTestId('console-error-code').innerText(), '42P01');
  assert.match(await error.innerText(), /relation "missing" does not exist/);
  assert.match(await error.innerText(), /LINE 1: SELECT \* FROM missing;\n\s{22}\^/);

  // The table survived: the failed statement only rolled back itself.
  await runSql(page, 'SELECT id, id * 2 AS twice FROM t ORDER BY id;');
  await result.waitFor();
  assert.deepEqual(await result.locator('tbody td').allInnerTexts(), ['1', '2']);

  assert.deepEqual(session.foreignRequests(), [], 'a request left the page origin');
  assert.deepEqual(session.panics(), [], 'the app panicked');
  assert.deepEqual(session.pageErrors, [], 'uncaught page errors');

  // Screenshot for the README: a query with a few rows, then the error view.
  await runSql(
    page,
    "CREATE TABLE users (id bigint generated always as identity primary key, email text not null, bio varchar(500));\n" +
      "INSERT INTO users (email, bio) VALUES ('ada@example.com', 'first programmer'), ('linus@example.com', NULL);\n" +
      'SELECT * FROM users;',
  );
  await result.waitFor();
  fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshot.png'), fullPage: true });

  const measured = await marks(page);
  const navigation = await page.evaluate(() => {
    const [nav] = performance.getEntriesByType('navigation');
    return { domInteractive: nav.domInteractive, loadEventEnd: nav.loadEventEnd };
  });
  const figures = {
    interactiveMs: measured['retort:interactive'].start,
    pgliteBootMs: measured['retort:pglite-boot'].duration,
    domInteractiveMs: navigation.domInteractive,
  };
  writeOut('metrics.json', JSON.stringify(figures, null, 2));
  console.log(`# figures: ${JSON.stringify(figures)}`);
});
