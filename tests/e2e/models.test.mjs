// The model editors check Python syntax on every keystroke, in the browser,
// with ruff's parser compiled into the app: errors are underlined where they
// are and summarised under the editor; fixing the text clears them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from './harness.mjs';

test('syntax errors in a model are underlined and summarised as you type', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    const before = page.getByTestId('diagnostics-before');
    const after = page.getByTestId('diagnostics-after');
    await after.waitFor();
    assert.equal(await before.innerText(), 'Python: no syntax errors');
    assert.equal(await after.innerText(), 'Python: no syntax errors');

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
    // The other side is unaffected.
    assert.equal(await before.innerText(), 'Python: no syntax errors');

    // Finishing the line clears it.
    await page.keyboard.type('mapped_column(String(200');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="diagnostics-after"]')?.textContent === 'Python: no syntax errors',
    );
    assert.equal(await marks.count(), 0);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
