// A model pane also reads PostgreSQL DDL: paste SQL and the pane switches to
// the SQL reader, which runs in the analysis worker: its own wasm, not part
// of what the page loads before it is interactive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, replaceText } from './harness.mjs';

const DDL = `-- pasted from pg_dump
CREATE TABLE public.account (
    id integer NOT NULL,
    slug character varying(40) NOT NULL
);
CREATE TABLE public.member (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id integer REFERENCES public.account(id),
    joined timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.account ADD CONSTRAINT account_pkey PRIMARY KEY (id);
`;

const workerRequests = (session) => session.requests.filter((u) => u.includes('retort-sql-worker'));

test('a pane holding SQL is read by the SQL reader, loaded on first use', { timeout: 180_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    const status = page.getByTestId('diagnostics-before');
    await status.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="diagnostics-before"]')?.textContent !== 'reading…');
    assert.equal(await status.innerText(), '1 table, no problems');
    assert.equal(await status.getAttribute('data-language'), 'python');
    const html = await (await fetch(url)).text();
    assert.match(html, /rel="preload" href="\.\/retort-app-[0-9a-f]+_bg\.wasm"/);
    assert.doesNotMatch(html, /retort-sql-worker/, 'the worker is on the page\'s critical path');

    await replaceText(page, 'editor-before', DDL);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="diagnostics-before"]')?.textContent === '2 tables, no problems',
    );
    assert.equal(await status.getAttribute('data-language'), 'sql');
    const outline = page.getByTestId('outline-before');
    assert.match(await outline.innerText(), /^account\n {2}id INTEGER NOT NULL PK\n {2}slug VARCHAR\(40\) NOT NULL\n/);
    assert.match(await outline.innerText(), /\n {2}account_id INTEGER → account\n/);
    assert.ok(workerRequests(session).some((u) => u.endsWith('_bg.wasm')), 'the worker wasm was not fetched');

    // A statement the reader cannot parse is underlined where it breaks;
    // the tables before it are still read.
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('CREATE TABLE broken (id int,, x);\n');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="diagnostics-before"]')?.textContent.startsWith('line '),
    );
    assert.match(await status.innerText(), /^line 1[23]:29: cannot read this statement: Expected: column name or constraint definition, found: ,/);
    const marks = page.getByTestId('pane-before').locator('.cm-lintRange-error, .cm-lintPoint-error');
    assert.ok((await marks.count()) > 0, 'no error mark in the editor');
    assert.match(await outline.innerText(), /^account\n/);

    // Back to Python: read by the worker too; the SQL read is not shown
    // for it meanwhile.
    await replaceText(page, 'editor-before', 'from sqlalchemy import Column, Integer, MetaData, Table\n\nt = Table("t", MetaData(), Column("id", Integer))\n');
    await page.waitForFunction(() => {
      const status = document.querySelector('[data-testid="diagnostics-before"]');
      return status?.getAttribute('data-language') === 'python' && !status.textContent.startsWith('line ') && status.textContent !== 'reading…';
    });
    assert.equal(await status.innerText(), '1 table, no problems');
    assert.match(await outline.innerText(), /^t\n {2}id INTEGER\n/);

    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.foreignRequests(), []);
  } finally {
    await session.close();
  }
});
