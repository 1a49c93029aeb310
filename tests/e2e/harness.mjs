// Shared set-up for the end-to-end tests: a static server for dist/, a real
// headless Chromium (Debian's, driven by playwright-core), and a page that
// records every request and every console message so tests can assert that
// nothing left the origin and nothing panicked.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.resolve(process.env.RETORT_DIST || path.join(ROOT, 'dist'));
export const OUT = path.join(ROOT, 'tests/e2e/out');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts a server for `root` and a browser; returns helpers and `close()`. */
export async function open(root = DIST, mounts = {}) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST}/index.html is missing: build first (cargo xtask build)`);
  }
  const server = await serve(root, 0, mounts);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Playwright adds --headless and a fresh, empty profile of its own.
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // Every Content-Security-Policy violation on any page of the suite is
  // recorded; close() fails the test when there was one.
  const cspViolations = [];
  await context.exposeBinding('__retortCspViolation', (source, line) => {
    cspViolations.push(`${source.frame.url()}: ${line}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      globalThis.__retortCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const page = await context.newPage();
  const requests = [];
  const consoleLines = [];
  const pageErrors = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  return {
    page,
    context,
    url: server.url,
    requests,
    consoleLines,
    pageErrors,
    /** Requests that went anywhere but the page's own origin. */
    foreignRequests: () =>
      requests.filter((u) => !u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:')),
    /** Console lines that show a Rust panic. */
    panics: () => consoleLines.filter((l) => l.includes('panicked at')),
    cspViolations,
    async close() {
      await browser.close();
      await server.close();
      if (cspViolations.length > 0) {
        throw new Error(`Content-Security-Policy violations:\n${cspViolations.join('\n')}`);
      }
    },
  };
}

/** Waits for the app to mount and returns the page's performance marks. */
export async function marks(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntries()
        .filter((e) => e.name.startsWith('retort:'))
        .map((e) => [e.name, { start: e.startTime, duration: e.duration }]),
    ),
  );
}

/** The text of the element with this test id ('' when absent). */
export function textOf(page, testId) {
  return page.evaluate(
    (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '',
    testId,
  );
}

/** Replaces an editor's whole text, as a user selecting all and typing. */
export async function replaceText(page, testId, text) {
  const editor = page.getByTestId(testId);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Replaces the console input's text and runs it with the Run button. */
export async function runSql(page, sql) {
  const input = page.getByTestId('console-input');
  await input.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  if (sql.length > 0) await input.fill(sql);
  await page.getByTestId('console-run').click();
}

export function writeOut(name, data) {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), data);
}

/** Opens the playground and waits until the rehearsal can run: the Reset
 * button is there and the example's revision is written. */
export async function readyToRehearse(session) {
  const { page, url } = session;
  await page.goto(url);
  await page.getByTestId('sim-reset').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="editor-revision"]')?.textContent.includes('def upgrade'));
}

/** Clicks a rehearsal button and waits until the rehearsal is idle again
 * with a new status line. */
export async function rehearse(page, testId) {
  const before = await textOf(page, 'sim-status');
  await page.getByTestId(testId).click();
  await page.waitForFunction(
    (old) => {
      const status = document.querySelector('[data-testid="sim-status"]')?.textContent ?? '';
      return !document.querySelector('[data-testid="sim-cancel"]') && status !== old && !status.endsWith('…');
    },
    before,
    { timeout: 120_000 },
  );
}
