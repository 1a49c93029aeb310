// Trunk's post_build hook: moves the inline <script type="module"> Trunk
// writes to start the wasm app into a file of its own, so the page's
// Content-Security-Policy (the <meta> in index.html) can forbid inline
// script altogether. The file's name carries a hash of its content, as
// Trunk's own files do, so a host may cache it for ever.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('no TRUNK_STAGING_DIR: run by Trunk (Trunk.toml hooks)');
const index = path.join(dir, 'index.html');
let html = fs.readFileSync(index, 'utf8');
const inline = /<script type="module"[^>]*>([\s\S]*?)<\/script>/g;
let moved = 0;
html = html.replace(inline, (whole, body) => {
  if (/\ssrc=/.test(whole.slice(0, whole.indexOf('>')))) return whole;
  const hash = crypto.createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `boot-${hash}.js`;
  fs.writeFileSync(path.join(dir, name), body.trim() + '\n');
  moved += 1;
  return `<script type="module" src="./${name}"></script>`;
});
if (/<script(?![^>]*\ssrc=)[^>]*>/.test(html)) {
  throw new Error('index.html still has an inline script after moving Trunk\'s: the CSP would block it');
}
fs.writeFileSync(index, html);
console.log(`no_inline: ${moved} inline module script(s) moved to files`);
