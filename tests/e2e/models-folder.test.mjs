// A model pane opened on a folder of modules (a package, as projects ship
// their models): the file with the most tables opens, its imports are
// followed through the folder (the base, the types, the constants in other
// modules), another file can be put in view, and the revision is written
// from the whole package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { open, ROOT, textOf } from './harness.mjs';

const PACKAGE = path.join(ROOT, 'tests/fixtures/models/pkg_shop');

test('a folder of model modules is read as one model, its imports followed', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await page.getByTestId('diagnostics-after').waitFor();
    await page.getByTestId('model-folder-after').setInputFiles(PACKAGE);

    // order.py declares the most tables; its base, enum, constants and
    // money type are in the package's other modules.
    const chooser = page.getByTestId('model-file-after');
    await chooser.waitFor();
    assert.equal(await chooser.inputValue(), 'pkg_shop/models/order.py');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="diagnostics-after"]')?.textContent.includes('modules read'),
    );
    const status = await page.getByTestId('diagnostics-after').innerText();
    assert.match(status, /^3 tables, no problems · \d+ modules read$/);
    const outline = await page.getByTestId('outline-after').innerText();
    assert.match(outline, /^customer\n/);
    assert.match(outline, /status orderstatus NOT NULL/);
    assert.match(outline, /currency VARCHAR\(3\) NOT NULL DEFAULT 'EUR'/);
    assert.match(outline, /total NUMERIC\(12, 2\)/);
    assert.match(await textOf(page, 'editor-after'), /class OrderLine\(Base\):/);

    // The revision is written from the whole package: the example's users
    // table goes, the package's three tables come.
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-revision"]')?.textContent.includes("op.create_table('order_line'"),
    );
    const revision = await textOf(page, 'editor-revision');
    assert.match(revision, /op\.create_table\('customer'/);
    assert.match(revision, /sa\.Enum\('pending', 'paid', 'shipped', name='orderstatus'\)/);
    assert.match(revision, /op\.drop_table\('users'\)/);

    // Another file in view; an edit to it is read with the rest.
    await chooser.selectOption('pkg_shop/constants.py');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-after"]')?.textContent.includes('NAME_LENGTH = 120'),
    );
    const editor = page.getByTestId('editor-after');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nclass Extra:\n    pass\n');
    await page.waitForFunction(() => document.querySelector('[data-testid="outline-after"]')?.textContent.startsWith('customer'));
    // Back to order.py: its text is as it was, and the edit to constants.py is kept.
    await chooser.selectOption('pkg_shop/models/order.py');
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="editor-after"]')?.textContent.includes('class OrderLine(Base):'),
    );
    await chooser.selectOption('pkg_shop/constants.py');
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-after"]')?.textContent.includes('class Extra:'));

    // Back to one file: the pane reads what is in view alone, and says
    // which imports it does not follow.
    await page.getByTestId('model-folder-close-after').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="model-file-after"]'));
  } finally {
    await session.close();
  }
});
