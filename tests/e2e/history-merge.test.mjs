// A merge, rehearsed: the PostgreSQL from an empty database up to a merge
// revision runs on PGlite and leaves one row in alembic_version — the
// merge's — as `alembic upgrade <merge>` leaves it (both branches were
// rows until the merge deleted one and moved the other).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, ROOT, textOf } from './harness.mjs';

const FIXTURE = path.join(ROOT, 'tests/fixtures/history/branched');

test('the SQL up to a merge runs on PGlite and leaves the merge as the one head', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    const files = fs.readdirSync(FIXTURE).filter((f) => f.endsWith('.py')).map((f) => path.join(FIXTURE, f));
    await page.getByTestId('history-files').setInputFiles(files);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-node"]').length === 5);

    await page.locator('[data-revision="5e6f708192a3"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="console-input"]')?.textContent.includes('-- Running upgrade 3c4d5e6f7081, 4d5e6f708192 -> 5e6f708192a3'),
    );
    const sql = await textOf(page, 'console-input');
    // The second branch gets a row of its own; the merge deletes one row
    // and moves the other.
    assert.match(sql, /INSERT INTO alembic_version \(version_num\) VALUES \('4d5e6f708192'\)|INSERT INTO alembic_version \(version_num\) VALUES \('3c4d5e6f7081'\)/);
    assert.match(sql, /DELETE FROM alembic_version WHERE alembic_version\.version_num = '3c4d5e6f7081'/);
    assert.match(sql, /UPDATE alembic_version SET version_num='5e6f708192a3' WHERE alembic_version\.version_num = '4d5e6f708192'/);
    // The merge revision is open in the Revision pane and reviewed.
    assert.match(await textOf(page, 'editor-revision'), /down_revision = \('3c4d5e6f7081', '4d5e6f708192'\)/);

    // Run it, then ask PostgreSQL what the version table holds.
    const input = page.getByTestId('console-input');
    await input.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\nSELECT version_num FROM alembic_version;\n');
    await page.getByTestId('console-run').click();
    await page.getByTestId('console-result').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('console-error').count(), 0);
    const last = await page.locator('[data-testid="console-result"] .result').last().innerText();
    assert.match(last, /^SELECT/);
    assert.match(last, /version_num\n5e6f708192a3$/);
    assert.doesNotMatch(last, /3c4d5e6f7081|4d5e6f708192/, 'one row: the merge');

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
