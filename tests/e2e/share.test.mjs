// Share links, the autosave, New with Undo, hostile links and embeds, in a
// real headless Chromium. Links are also written here by an encoder of the
// format of their own (core/src/share.rs), which checks the format from the
// outside and lets the tests make links the page would never write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { open, textOf, replaceText, DIST, ROOT } from './harness.mjs';

const TAGS = { before: 1, after: 2, revision: 3, safe: 4, postgres: 9, focus: 13 };

function varint(n) {
  const out = [];
  do {
    let low = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) low |= 0x80;
    out.push(low);
  } while (n > 0);
  return out;
}

/** A link's hash (without '#') for these fields: [tag, ...strings]. */
function link(records, version = 1) {
  const bytes = [];
  for (const [tag, ...strings] of records) {
    bytes.push(tag, ...varint(strings.length));
    for (const s of strings) {
      const utf8 = Buffer.from(s, 'utf8');
      bytes.push(...varint(utf8.length), ...utf8);
    }
  }
  return `${version}.${base64url(zlib.deflateRawSync(Buffer.from(bytes)))}`;
}

const base64url = (buffer) => buffer.toString('base64url');

async function waitForRevision(page, needle = 'def upgrade') {
  await page.waitForFunction(
    (needle) => document.querySelector('[data-testid="editor-revision"]')?.textContent.includes(needle),
    needle,
    { timeout: 60_000 },
  );
}

const MODEL = `from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
`;

test('a share link restores the state exactly, and a reload the autosave', { timeout: 240_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await waitForRevision(page);
    await replaceText(page, 'editor-before', MODEL);
    await replaceText(page, 'editor-after', `${MODEL}    nickname: Mapped[str] = mapped_column(String(40))\n`);
    await waitForRevision(page, 'nickname');
    await page.getByTestId('safe-mode').uncheck();
    await page.getByTestId('review-postgres').selectOption('13');
    // The revision edited by hand is part of the state.
    await waitForRevision(page, "op.add_column('accounts'");
    const revision = page.getByTestId('editor-revision');
    await revision.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('\n# reviewed by hand\n');
    await page.getByTestId('share-copy').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="share-output"]')?.value.includes('#1.'));
    const shared = await page.getByTestId('share-output').inputValue();
    assert.match(shared, /^http:\/\/[^#]+#1\.[A-Za-z0-9_-]+$/);

    // A new browser profile: nothing saved, only the link.
    const other = await session.context.browser().newContext();
    const fresh = await other.newPage();
    const errors = [];
    fresh.on('pageerror', (e) => errors.push(String(e)));
    await fresh.goto(shared);
    await waitForRevision(fresh, '# reviewed by hand');
    assert.match(await textOf(fresh, 'editor-after'), /nickname: Mapped\[str\]/);
    assert.match(await textOf(fresh, 'editor-before'), /class Account\(Base\)/);
    assert.equal(await fresh.getByTestId('safe-mode').isChecked(), false);
    assert.equal(await fresh.getByTestId('review-postgres').inputValue(), '13');
    assert.match(await textOf(fresh, 'revision-status'), /edited/i);
    assert.deepEqual(errors, []);
    await other.close();

    // A reload in the first profile: the autosave brings everything back.
    await page.waitForFunction(() => location.hash.startsWith('#1.'));
    await page.goto(url); // no hash: only the saved state can restore it
    await waitForRevision(page, '# reviewed by hand');
    assert.match(await textOf(page, 'editor-after'), /nickname/);
    assert.equal(await page.getByTestId('safe-mode').isChecked(), false);

    // New starts clean; Undo brings the work back.
    await page.getByTestId('new-state').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="editor-after"]')?.textContent.includes('nickname'));
    assert.doesNotMatch(await textOf(page, 'editor-before'), /Account/);
    await page.getByTestId('undo-new').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="editor-after"]')?.textContent.includes('nickname'));
    assert.match(await textOf(page, 'share-message'), /Restored/);
    assert.deepEqual(session.panics(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});

const HOSTILE_MODEL = `</script><script>window.__pwned = 'script'</script>
<img src=x onerror="window.__pwned = 'img'">
class X(Base):  # javascript:window.__pwned='url'
    __tablename__ = "<b onmouseover=alert(1)>t</b>"
`;

function bomb() {
  // 8 MiB of one byte: about 8 KiB deflated, far past what a link may hold.
  const payload = zlib.deflateRawSync(Buffer.alloc(8 * 1024 * 1024, 1), { level: 9 });
  return `1.${base64url(payload)}`;
}

const HOSTILE = [
  { name: 'markup in a model', hash: link([[TAGS.before, HOSTILE_MODEL], [TAGS.after, HOSTILE_MODEL], [TAGS.focus, 'javascript:alert(1)']]), opens: true },
  { name: 'script as the hash', hash: '<script>window.__pwned=1</script>', message: /holds no retort state/ },
  { name: 'javascript: as the hash', hash: 'javascript:window.__pwned=1', message: /holds no retort state/ },
  { name: 'a newer format', hash: link([[TAGS.after, 'x']], 7), message: /format 7/ },
  { name: 'truncated', hash: link([[TAGS.after, HOSTILE_MODEL]]).slice(0, 40), message: /cut short|damaged/ },
  { name: 'not base64url', hash: '1.abc%3Cimg%20src=x%20onerror=window.__pwned=1%3E', message: /damaged at character/ },
  { name: 'a decompression bomb', hash: bomb(), message: /expands past/ },
  { name: 'too long', hash: `1.${'A'.repeat(70 * 1024)}`, message: /over the 64 KiB limit/ },
];

test('hostile links do nothing and say why', { timeout: 240_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    for (const { name, hash, message, opens } of HOSTILE) {
      await page.goto('about:blank');
      await page.goto(`${url}#${hash}`);
      await page.getByTestId('editor-after').waitFor();
      await page.waitForTimeout(300);
      const report = await page.evaluate(() => ({
        pwned: window.__pwned ?? null,
        inlineScripts: document.querySelectorAll('script:not([src])').length,
        injectedImages: document.querySelectorAll('img[src="x"]').length,
        bold: document.querySelectorAll('main b').length,
      }));
      assert.deepEqual(report, { pwned: null, inlineScripts: 0, injectedImages: 0, bold: 0 }, name);
      if (opens) {
        // Shown as text, exactly as written.
        assert.match(await textOf(page, 'editor-after'), /onerror="window.__pwned = 'img'"/, name);
      } else {
        assert.match(await textOf(page, 'share-message'), message, name);
      }
    }
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
  }
});

/** A documentation page with the README's height script in it. */
function hostSite() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const script = readme.match(/<script>\n([\s\S]*?)<\/script>/)[1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retort-host-'));
  fs.writeFileSync(path.join(dir, 'height.js'), script);
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>docs</title><script src="height.js"></script><body></body>');
  return dir;
}

test('an embed shows only its panes, fetches only from its origin, and sizes its frame', { timeout: 240_000 }, async () => {
  const host = hostSite();
  const session = await open(DIST, { '/host/': host });
  try {
    const { page, url } = session;
    const hash = link([[TAGS.before, MODEL], [TAGS.after, `${MODEL}    bio: Mapped[str] = mapped_column(String(500))\n`], [TAGS.safe, '1'], [TAGS.postgres, '15']]);
    const src = `${url}?embed&panes=revision,sql#${hash}`;
    await page.goto(src);
    await waitForRevision(page, 'bio');
    await page.waitForFunction(() => document.querySelector('[data-testid="pane-sql"]')?.textContent.includes('ALTER TABLE'));
    const panes = await page.evaluate(() => [...document.querySelectorAll('section.pane')].map((p) => p.dataset.testid));
    assert.deepEqual(panes, ['pane-revision', 'pane-sql']);
    // Read-only unless mode=live.
    assert.equal(await page.getByTestId('editor-revision').getAttribute('contenteditable'), 'false');
    const open = await page.getByTestId('embed-open').getAttribute('href');
    assert.ok(open.startsWith(url) && open.includes('#1.') && !open.includes('embed'), open);
    assert.deepEqual(session.foreignRequests(), []);
    assert.deepEqual(session.requests.filter((u) => u.includes('pglite')), [], 'PGlite is fetched only on Run');
    // The embed saves nothing over the reader's own work.
    assert.equal(await page.evaluate(() => localStorage.getItem('retort:state')), null);

    // In a host page (served from another folder of the same server, as a
    // docs site would), with the README's snippet: the frame fits its
    // content.
    await page.goto(`${url}host/`);
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      frame.dataset.retortEmbed = '';
      frame.style.width = '900px';
      document.body.append(frame);
    }, src);
    await page.waitForFunction(() => parseInt(document.querySelector('iframe').style.height, 10) > 300, null, { timeout: 60_000 });

    // The Embed button writes a snippet that opens the same state.
    await page.goto(`${url}#${hash}`);
    await waitForRevision(page, 'bio');
    await page.getByTestId('embed-copy').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="share-output"]')?.value.startsWith('<iframe'));
    const snippet = await page.getByTestId('share-output').inputValue();
    assert.match(snippet, /^<iframe src="http:\/\/[^"]+\?embed&amp;panes=revision,sql,review#1\.[A-Za-z0-9_-]+" /);
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
    fs.rmSync(host, { recursive: true, force: true });
  }
});

test('work too big for a link is still autosaved, and the address bar holds no stale link', { timeout: 240_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    await page.goto(url);
    await waitForRevision(page);
    // 100,000 characters that do not compress: far over the 64 KiB limit.
    const noise = `# ${crypto.randomBytes(75_000).toString('base64')}\n`;
    await replaceText(page, 'editor-after', `${MODEL}${noise}`);
    await page.waitForFunction(() => localStorage.getItem('retort:state')?.length > 64 * 1024, null, { timeout: 30_000 });
    assert.equal(await page.evaluate(() => location.hash), '');
    await page.getByTestId('share-copy').click();
    await page.waitForFunction(() => /over the 64 KiB limit/.test(document.querySelector('[data-testid="share-message"]')?.textContent ?? ''));
    await page.reload();
    await page.waitForFunction((start) => document.querySelector('[data-testid="editor-after"]')?.textContent.includes(start), noise.slice(2, 40), { timeout: 60_000 });
    assert.deepEqual(session.pageErrors, []);
    assert.deepEqual(session.panics(), []);
  } finally {
    await session.close();
  }
});

test('a live embed can be edited, and still saves nothing', { timeout: 240_000 }, async () => {
  const session = await open();
  try {
    const { page, url } = session;
    const hash = link([[TAGS.before, MODEL], [TAGS.after, MODEL], [TAGS.safe, '1']]);
    await page.goto(`${url}?embed&panes=after,revision&mode=live#${hash}`);
    await page.getByTestId('editor-after').waitFor();
    assert.equal(await page.getByTestId('editor-after').getAttribute('contenteditable'), 'true');
    await replaceText(page, 'editor-after', `${MODEL}    handle: Mapped[str] = mapped_column(String(30), nullable=True)\n`);
    await waitForRevision(page, "op.add_column('accounts'");
    assert.equal(await page.evaluate(() => localStorage.getItem('retort:state')), null);
    assert.deepEqual(session.foreignRequests(), []);
    assert.deepEqual(session.pageErrors, []);
  } finally {
    await session.close();
  }
});
