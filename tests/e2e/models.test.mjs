// The model editors read SQLAlchemy models on every keystroke, in the
// browser, with no Python: problems are underlined where they are and
// summarised under the editor, and the schema read is shown as an outline
// that survives a half-typed line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from './harness.mjs';

test('models are read as you type, with problems underlined and an outline', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    const before = page.getByTestId('diagnostics-before');
    const after = page.getByTestId('diagnostics-after');
    await after.waitFor();
    // The worker reads the models (off the page's thread): its first reply.
    await page.waitForFunction(() =>
      ['before', 'after'].every((s) => document.querySelector(`[data-testid="diagnostics-${s}"]`)?.textContent !== 'reading…'),
    );
    assert.equal(await before.innerText(), '1 table, no problems');
    assert.equal(await after.innerText(), '1 table, no problems');
    const outline = page.getByTestId('outline-after');
    assert.match(await outline.innerText(), /^users\n {2}id INTEGER NOT NULL PK\n {2}email VARCHAR\(255\) NOT NULL\n {2}bio VARCHAR\(500\) NOT NULL/);

    // Half a line, as mid-keystroke (the editor closes brackets by itself,
    // so the unfinished part is the value after `=`).
    const editor = page.getByTestId('editor-after');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('    title: Mapped[str] = ');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="diagnostics-after"]')?.textContent.startsWith('line '),
    );
    assert.equal(await after.innerText(), 'line 16:26: syntax error: Expected an expression');
    const pane = page.getByTestId('pane-after');
    // CodeMirror's lint marks: an underline, or a point for an empty range.
    const marks = pane.locator('.cm-lintRange-error, .cm-lintPoint-error');
    assert.ok((await marks.count()) > 0, 'no error mark in the editor');
    // The table is still read around the error; the other side is unaffected.
    assert.match(await outline.innerText(), /^users\n/);
    assert.equal(await before.innerText(), '1 table, no problems');

    // Finishing the line clears it, and the new column appears.
    await page.keyboard.type('mapped_column(String(200');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="diagnostics-after"]')?.textContent === '1 table, no problems',
    );
    assert.equal(await marks.count(), 0);
    assert.match(await outline.innerText(), /\n {2}title VARCHAR\(200\) NOT NULL\n/);

    // A type retort cannot follow is named where it is written.
    await page.keyboard.press('End'); // past the brackets the editor closed
    await page.keyboard.press('Enter');
    await page.keyboard.type('total: Mapped[int] = mapped_column(Money(');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="diagnostics-after"]')?.textContent.includes('unknown type Money'),
    );
    assert.match(await outline.innerText(), /\n {2}total Money NOT NULL/);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
