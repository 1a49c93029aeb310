// dist/ is a static site that works from any path: a documentation site can
// put the playground under /docs/playground/ and everything, PGlite
// included, loads from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open, runSql, DIST } from './harness.mjs';

test('the playground runs from a sub-path', { timeout: 180_000 }, async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'retort-site-'));
  const session = await open(empty, { '/docs/playground/': DIST });
  try {
    const { page, url } = session;
    await page.goto(`${url}docs/playground/`);
    await runSql(page, 'SELECT 40 + 2 AS answer;');
    const result = page.getByTestId('console-result');
    await result.waitFor({ timeout: 60_000 });
    assert.deepEqual(await result.locator('tbody td').allInnerTexts(), ['42']);
    const paths = session.requests.map((u) => new URL(u).pathname);
    const outside = paths.filter((p) => !p.startsWith('/docs/playground/'));
    assert.deepEqual(outside, [], 'the page fetched files outside its own folder');
    assert.deepEqual(session.foreignRequests(), []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});
