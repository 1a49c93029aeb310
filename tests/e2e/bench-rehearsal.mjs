// `cargo xtask bench` (rehearsal part): reset and runs on PGlite in headless
// Chromium, read from the page's `performance` marks, with real Alembic on
// PostgreSQL running the same 50-revision chain as the peer
// (tests/alembic/bench_rehearsal.py writes the chain and times Alembic).
//
//   node tests/e2e/bench-rehearsal.mjs [runs] [peer.json]
//
// Prints a Markdown table for BENCHMARKS.md. Figures, not assertions.
import fs from 'node:fs';
import path from 'node:path';
import { open, ROOT } from './harness.mjs';

const runs = Number(process.argv[2] || 5);
const peer = process.argv[3] && fs.existsSync(process.argv[3]) ? JSON.parse(fs.readFileSync(process.argv[3], 'utf8')) : null;
const CHAIN = path.join(ROOT, 'target/bench/chain50');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const last = (page, name) => page.evaluate((n) => performance.getEntriesByName(n).at(-1)?.duration, name);

/** Clicks a button and waits for one more `measure` entry, then idle. */
async function press(page, id, measure) {
  const count = (n) => page.evaluate((m) => performance.getEntriesByName(m).length, n);
  const before = await count(measure);
  await page.getByTestId(id).click();
  await page.waitForFunction(
    ([m, b]) => performance.getEntriesByName(m).length > b && !document.querySelector('[data-testid="sim-cancel"]'),
    [measure, before],
    { timeout: 300_000 },
  );
}

const figures = { reset: [], exampleUp: [], exampleDown: [], chainUp: [], chainDown: [] };
const session = await open();
try {
  const { page, url } = session;
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('def upgrade'));
  await press(page, 'sim-reset', 'retort:reset'); // PGlite boots and the worker starts: not counted.
  for (let i = 0; i < runs; i++) {
    await press(page, 'sim-reset', 'retort:reset');
    figures.reset.push(await last(page, 'retort:reset'));
    await press(page, 'sim-upgrade', 'retort:run');
    figures.exampleUp.push(await last(page, 'retort:run'));
    await press(page, 'sim-downgrade', 'retort:run');
    figures.exampleDown.push(await last(page, 'retort:run'));
  }
  const files = fs.readdirSync(CHAIN).map((f) => path.join(CHAIN, f));
  await page.getByTestId('history-files').setInputFiles(files);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="history-node"]').length === n, files.length);
  await page.getByTestId('sim-source').selectOption('folder');
  await press(page, 'sim-reset', 'retort:reset');
  for (let i = 0; i < runs; i++) {
    await press(page, 'sim-upgrade', 'retort:run');
    figures.chainUp.push(await last(page, 'retort:run'));
    await press(page, 'sim-downgrade', 'retort:run');
    figures.chainDown.push(await last(page, 'retort:run'));
  }
  if (session.pageErrors.length) throw new Error(session.pageErrors.join('\n'));
} finally {
  await session.close();
}

const row = (name, xs, peerMs) =>
  `| ${name} | ${median(xs).toFixed(1)} ms | ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} ms | ${peerMs == null ? '—' : `${peerMs.toFixed(1)} ms`} |`;
console.log(`
| rehearsal (median of ${runs}) | PGlite in the page | range | real Alembic on PostgreSQL 15 |
|---|---|---|---|
${row('reset: the example schema, 100 seed rows', figures.reset)}
${row('example, upgrade head (3 revisions, 100 rows)', figures.exampleUp)}
${row('example, downgrade base', figures.exampleDown)}
${row('50-revision chain, upgrade head', figures.chainUp, peer?.upgrade)}
${row('50-revision chain, downgrade base', figures.chainDown, peer?.downgrade)}
`);
