// `cargo xtask bench` (playground part): sizes of what the page downloads and
// start-up times in headless Chromium, over several fresh page loads, with
// stock PGlite booted side by side in the same page as the peer.
//
//   node tests/e2e/bench.mjs [runs]     (after `cargo xtask build`)
//
// Prints a Markdown table for BENCHMARKS.md. Figures, not assertions: tests
// never judge wall-clock time.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { open, marks, DIST, ROOT } from './harness.mjs';

const runs = Number(process.argv[2] || 5);
const PEER = path.join(ROOT, 'www/node_modules/@electric-sql/pglite/dist');

// Bytes on the wire with gzip: files that are already compressed go as they are.
const gzip = (file) =>
  /\.(tgz|gz)$/.test(file) ? fs.statSync(file).size : zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The 30-table model the native reader benchmark generated (cargo xtask
// bench runs that first), read here by the same reader compiled to wasm.
const MODEL = path.join(ROOT, 'target/bench/model_30_tables.py');
const model = fs.existsSync(MODEL) ? fs.readFileSync(MODEL, 'utf8') : null;

const session = await open(DIST, { '/peer-pglite/': PEER });
const { page, url } = session;
const figures = { interactive: [], domInteractive: [], boot: [], stockBoot: [], readModel: [], review: [] };
let beforePglite = [];

try {
  for (let i = 0; i < runs; i++) {
    const requestsBefore = session.requests.length;
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('retort:interactive').length > 0);
    // Everything fetched up to now is what a visitor downloads before PGlite.
    beforePglite = session.requests.slice(requestsBefore).filter((u) => u.startsWith(url));
    await page.getByTestId('pglite-status').getByRole('button', { name: 'Start now' }).click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="pglite-status"]')?.dataset.state === 'ready',
      null,
      { timeout: 60_000 },
    );
    // The example's three revisions, reviewed by the worker (request to
    // reply, as the page sees it).
    await page.waitForFunction(() =>
      /^3 revisions: /.test(document.querySelector('[data-testid="review-summary"]')?.textContent ?? ''),
    );
    figures.review.push(await page.evaluate(() => performance.getEntriesByName('retort:review').at(-1).duration));
    const m = await marks(page);
    figures.interactive.push(m['retort:interactive'].start);
    figures.domInteractive.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].domInteractive));
    figures.boot.push(m['retort:pglite-boot'].duration);
    if (model) {
      // One edit = one read: replace the "after" model with the 30-table file.
      await page.getByTestId('editor-after').fill(`${model}# run ${i}\n`);
      await page.waitForFunction(
        () => document.querySelector('[data-testid="diagnostics-after"]')?.textContent === '30 tables, no problems',
      );
      figures.readModel.push(
        await page.evaluate(() => performance.getEntriesByName('retort:read-model').at(-1).duration),
      );
    }
    // The peer: PGlite as its README boots it (initdb in the browser), same page.
    figures.stockBoot.push(
      await page.evaluate(async () => {
        const { PGlite } = await import('/peer-pglite/index.js');
        const started = performance.now();
        const db = await PGlite.create();
        await db.query('select 1');
        const ms = performance.now() - started;
        await db.close();
        return ms;
      }),
    );
  }
} finally {
  await session.close();
}

const files = [...new Set(beforePglite.map((u) => new URL(u).pathname))]
  .map((p) => path.join(DIST, p === '/' ? 'index.html' : p))
  .filter((f) => fs.existsSync(f));
const transfer = files.reduce((sum, f) => sum + gzip(f), 0);
const wasm = fs.readdirSync(DIST).find((f) => f.endsWith('_bg.wasm'));
const pgliteFiles = ['pglite.wasm', 'pglite.data', 'datadir.tgz'].map((f) => path.join(DIST, 'bundle/pglite', f));
const stockFiles = ['pglite.wasm', 'pglite.data', 'initdb.wasm'].map((f) => path.join(PEER, f));
const sizeRow = (name, list) =>
  `| ${name} | ${kb(list.reduce((s, f) => s + fs.statSync(f).size, 0))} | ${kb(list.reduce((s, f) => s + gzip(f), 0))} |`;

const row = (name, xs, digits = 0) =>
  `| ${name} | ${median(xs).toFixed(digits)} ms | ${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)} ms |`;
console.log(`
| size | raw | gzip -9 |
|---|---|---|
| app wasm (${wasm.replace(/-[0-9a-f]+_bg/, '_bg')}) | ${kb(fs.statSync(path.join(DIST, wasm)).size)} | ${kb(gzip(path.join(DIST, wasm)))} |
| editor + PGlite glue (bundle/glue.js) | ${kb(fs.statSync(path.join(DIST, 'bundle/glue.js')).size)} | ${kb(gzip(path.join(DIST, 'bundle/glue.js')))} |
| everything before PGlite (${files.length} files) | ${kb(files.reduce((s, f) => s + fs.statSync(f).size, 0))} | ${kb(transfer)} |
${sizeRow('retort: PGlite on first use (wasm + data + initialised data dir)', pgliteFiles)}
${sizeRow('peer: stock PGlite (wasm + data + initdb.wasm)', stockFiles)}

| headless Chromium, ${runs} page loads | median | range |
|---|---|---|
${row('DOM interactive', figures.domInteractive)}
${row('retort interactive (editors painted)', figures.interactive)}
${row('retort PGlite boot (download → first query, pre-initialised data dir)', figures.boot)}
${row('peer: stock `PGlite.create()` boot (initdb in the browser)', figures.stockBoot)}
${row('review of the example (3 revisions) in the worker, request to reply', figures.review, 2)}
${model ? row('model read in the worker, 30-table model (one edit), request to reply', figures.readModel, 2) : '| model read in the worker | not run (no target/bench/model_30_tables.py) | |'}

stock PGlite boot / retort PGlite boot: ${(median(figures.stockBoot) / median(figures.boot)).toFixed(1)}×
`);
