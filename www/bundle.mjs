// Builds www/bundle/: the editor + PGlite glue (glue.js) and PGlite's own
// files with a pre-initialised data directory. Run by Trunk's pre_build hook
// (Trunk.toml) and by `cargo xtask build`; it is idempotent and offline.
import { build } from 'esbuild';
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { linkDuplicates } from './js/tar.js';

const www = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(www, 'bundle');
const pgliteDist = path.join(www, 'node_modules/@electric-sql/pglite/dist');
const pgliteOut = path.join(out, 'pglite');

fs.mkdirSync(pgliteOut, { recursive: true });

// The editor + PGlite glue, and PGlite's worker (PostgreSQL off the page's
// thread): two classic scripts.
for (const name of ['glue.js', 'pg-worker.js']) {
  await build({
    entryPoints: [path.join(www, 'js', name)],
    outfile: path.join(out, name),
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2022',
    legalComments: 'linked',
    logLevel: 'warning',
  });
}

// PGlite's ES modules and runtime files, as published (no source maps, no
// extension tarballs: the playground uses none).
const wanted = (name) =>
  name === 'index.js' || /^chunk-[A-Z0-9]+\.js$/.test(name) || name === 'pglite.wasm' || name === 'pglite.data';
for (const name of fs.readdirSync(pgliteDist)) {
  if (!wanted(name)) continue;
  const from = path.join(pgliteDist, name);
  const to = path.join(pgliteOut, name);
  if (!fs.existsSync(to) || fs.statSync(to).mtimeMs < fs.statSync(from).mtimeMs) fs.copyFileSync(from, to);
}

// initdb once, here, so the browser can boot from the result. The three
// databases initdb makes (template1, template0, postgres) are near-identical
// copies: duplicate files become tar hard links (4.5 MB → about 2.5 MB
// gzipped), which glue.js expands again before PGlite reads the archive.
const datadir = path.join(pgliteOut, 'datadir.tgz');
const stamp = path.join(pgliteOut, 'datadir.version');
const pglitePkg = JSON.parse(fs.readFileSync(path.join(pgliteDist, '../package.json'), 'utf8'));
const stampText = `pglite ${pglitePkg.version}, hard-linked duplicates`;
if (!fs.existsSync(datadir) || !fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== stampText) {
  const { PGlite } = await import(path.join(pgliteDist, 'index.js'));
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  const tar = new Uint8Array(await dump.arrayBuffer());
  const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');
  fs.writeFileSync(datadir, zlib.gzipSync(linkDuplicates(tar, sha256), { level: 9 }));
  fs.writeFileSync(stamp, stampText);
}
