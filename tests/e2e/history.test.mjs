// The History pane: revision files chosen from disk are drawn as Alembic's
// graph (rows newest first, the merge and the head marked); clicking a
// revision puts the PostgreSQL up to it in the console, which runs it on
// PGlite. Also the README's picture of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, ROOT, textOf } from './harness.mjs';

const FIXTURE = path.join(ROOT, 'tests/fixtures/history/branched');

test('a versions folder is drawn as its graph and rehearsed up to a revision', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.goto(url);
    const files = fs.readdirSync(FIXTURE).filter((f) => f.endsWith('.py')).map((f) => path.join(FIXTURE, f));
    await page.getByTestId('history-files').setInputFiles(files);

    const nodes = page.getByTestId('history-node');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-node"]').length === 5);
    assert.equal(await page.getByTestId('history-edge').count(), 5);
    assert.match(await page.getByTestId('history-status').innerText(), /^5 files, 5 revisions$/);
    // Newest first, as `alembic history` lists them.
    const first = nodes.first();
    assert.equal(await first.getAttribute('data-revision'), '5e6f708192a3');
    assert.match(await first.getAttribute('class'), /head/);
    assert.match(await first.getAttribute('class'), /merge/);
    assert.match(await first.textContent(), /3c4d5e6f7081, 4d5e6f708192 -> 5e6f708192a3 \(billing\) \(head\) \(mergepoint\), merge billing/);
    assert.equal(await nodes.last().getAttribute('data-revision'), '1a2b3c4d5e6f');

    // The database's revision, by prefix: marked as `alembic history
    // --indicate-current` marks it.
    const current = page.getByTestId('history-current');
    await current.fill('2b3c');
    await current.press('Enter');
    await current.blur();
    await page.waitForFunction(() =>
      document.querySelector('[data-revision="2b3c4d5e6f70"]')?.getAttribute('class')?.includes('current'),
    );
    assert.match(await page.locator('[data-revision="2b3c4d5e6f70"]').textContent(), /2b3c4d5e6f70 \(current\) \(branchpoint\), add email/);

    // The labelled side branch: the SQL from the base up to it.
    await page.locator('[data-revision="3c4d5e6f7081"]').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="console-input"]')?.textContent.includes('-- Running upgrade 2b3c4d5e6f70 -> 3c4d5e6f7081'),
    );
    const sql = await page.evaluate(() => document.querySelector('[data-testid="console-input"]')?.textContent ?? '');
    assert.match(sql, /CREATE TABLE accounts \(/);
    assert.match(sql, /ALTER TABLE accounts ADD COLUMN c_3c4d5e6f7081 INTEGER;/);
    assert.doesNotMatch(sql, /4d5e6f708192/, 'the other branch is not on the way');
    // The schema at that revision, replayed with no database.
    await page.waitForFunction(() => document.querySelector('[data-testid="history-schema"]')?.textContent.includes('c_3c4d5e6f7081'));
    const replayed = await page.getByTestId('history-schema').innerText();
    assert.match(replayed, /^accounts$/m);
    assert.doesNotMatch(replayed, /c_4d5e6f708192/, 'the other branch is not replayed');
    assert.match(await page.getByTestId('history-schema-title').innerText(), /The schema at 3c4d5e6f7081, replayed from the revisions \(no database\)/);
    assert.match(
      await page.getByTestId('history-status').innerText(),
      /3c4d5e6f7081 is in the Revision and Review panes; Simulate is set to `upgrade 3c4d5e6f7081` on this folder, and the SQL of the 3 revisions up to it is in its console/,
    );
    // The file itself is open in the Revision pane, and reviewed.
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="revision-status"]')?.textContent.includes('opened from the History pane'),
    );
    assert.match(await page.getByTestId('revision-status').innerText(), /3c4d5e6f7081_[^ ]*\.py, opened from the History pane/);
    assert.match(await textOf(page, 'editor-revision'), /revision = '3c4d5e6f7081'/);
    await page.waitForFunction(() =>
      /^1 revision: /.test(document.querySelector('[data-testid="review-summary"]')?.textContent ?? ''),
    );
    // The SQL pane shows that one revision's upgrade.
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-sql"]')?.textContent.includes('-- Running upgrade 2b3c4d5e6f70 -> 3c4d5e6f7081'),
    );

    // And it runs on PostgreSQL in the page.
    await page.getByTestId('console-run').click();
    const result = page.getByTestId('console-result');
    await result.waitFor({ timeout: 60_000 });
    const ran = await result.innerText();
    assert.match(ran, /^BEGIN/);
    assert.match(ran, /CREATE/);
    assert.match(ran, /version_num\n1a2b3c4d5e6f/, 'the version row RETURNING');
    assert.match(ran, /COMMIT/);
    assert.equal(await page.getByTestId('console-error').count(), 0);

    // The rehearsal is pointed at it too: the folder, and `upgrade <rev>`
    // (its reset starts from an empty database).
    assert.equal(await page.getByTestId('sim-source').inputValue(), 'folder');
    assert.equal(await page.getByTestId('sim-command').inputValue(), 'upgrade 3c4d5e6f7081');
    await page.getByTestId('sim-run').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="sim-current"]')?.textContent === '3c4d5e6f7081', null, { timeout: 60_000 });

    fs.mkdirSync(path.join(ROOT, 'docs'), { recursive: true });
    const picture = path.join(ROOT, 'docs/history.png');
    await page.getByTestId('pane-history').screenshot({ path: picture });

    // A zipped versions/ folder is unpacked in the page (the current
    // revision cleared first: it is not in that history).
    await current.fill('');
    await current.press('Enter');
    await current.blur();
    await page.getByTestId('history-files').setInputFiles(path.join(ROOT, 'tests/fixtures/history/versions.zip'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-node"]').length === 2);
    assert.match(await page.getByTestId('history-status').innerText(), /^2 files, 2 revisions$/);
    assert.equal(await nodes.first().getAttribute('data-revision'), 'bbb');

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
