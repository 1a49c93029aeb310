// PGlite in a Web Worker, bundled by esbuild (bundle.mjs) into
// bundle/pg-worker.js. PostgreSQL runs a statement in one synchronous wasm
// call; on the page's thread a long one (a backfill, an index build over
// 100,000 rows) would hold every keystroke and the Cancel button until it
// ended. Here it holds only this worker.
//
// Messages in: { id, kind: 'load' } first, then { id, kind: 'exec', sql,
// options } or { id, kind: 'query', sql, params, options }. Out: { progress }
// while loading, then { id, ok: true, result } or { id, ok: false, error }
// with every field PostgreSQL reports (an Error's own fields do not survive
// postMessage).
import { concat, expandLinks } from './tar.js';

const here = new URL('.', self.location.href);

// The PGlite files, served from our own origin next to this script.
const PGLITE_FILES = {
  module: 'pglite/index.js',
  wasm: 'pglite/pglite.wasm',
  data: 'pglite/pglite.data',
  // A data directory made by initdb at build time (bundle.mjs): booting from
  // it skips initdb in the browser, which is most of PGlite's start-up time.
  datadir: 'pglite/datadir.tgz',
};

// Date and time types keep PostgreSQL's own text (a JS Date would lose
// microseconds and the zone): date, time, timestamp, timestamptz, interval,
// timetz.
const KEPT_AS_TEXT = [1082, 1083, 1114, 1184, 1186, 1266];

async function fetchBytes(path, onBytes) {
  const url = new URL(path, here);
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not fetch ${url.pathname}: ${error.message}`);
  }
  if (!response.ok) {
    throw new Error(`could not fetch ${url.pathname}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const total = Number(response.headers.get('content-length')) || 0;
  onBytes(0, total);
  const reader = response.body.getReader();
  const chunks = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(received, Math.max(total, received));
  }
  return concat(chunks);
}

async function load() {
  const sizes = { wasm: [0, 0], data: [0, 0], datadir: [0, 0] };
  const report = () => {
    const loaded = Object.values(sizes).reduce((sum, [l]) => sum + l, 0);
    const total = Object.values(sizes).reduce((sum, [, t]) => sum + t, 0);
    self.postMessage({ progress: { phase: 'download', loaded, total } });
  };
  const tracker = (key) => (loaded, total) => {
    sizes[key] = [loaded, total];
    report();
  };
  const [pglite, wasm, data, datadir] = await Promise.all([
    import(new URL(PGLITE_FILES.module, here).href),
    fetchBytes(PGLITE_FILES.wasm, tracker('wasm')),
    fetchBytes(PGLITE_FILES.data, tracker('data')),
    fetchBytes(PGLITE_FILES.datadir, tracker('datadir')),
  ]);
  self.postMessage({ progress: { phase: 'compile', loaded: wasm.length, total: wasm.length } });
  const pgliteWasmModule = await WebAssembly.compile(wasm);
  self.postMessage({ progress: { phase: 'start', loaded: 0, total: 0 } });
  const tar = new Uint8Array(
    await new Response(new Blob([datadir]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer(),
  );
  const keep = (value) => value;
  return pglite.PGlite.create({
    pgliteWasmModule,
    fsBundle: new Blob([data]),
    loadDataDir: new Blob([expandLinks(tar)], { type: 'application/x-tar' }),
    parsers: Object.fromEntries(KEPT_AS_TEXT.map((oid) => [oid, keep])),
  });
}

/** The fields of an error, as a plain object that survives postMessage. */
function fields(error) {
  const out = { message: error && error.message ? error.message : String(error) };
  for (const key of ['code', 'severity', 'position', 'detail', 'hint']) {
    if (error && error[key] != null) out[key] = error[key];
  }
  return out;
}

let db = null;
// One message at a time, in order: PostgreSQL here is one session.
let queue = Promise.resolve();

self.onmessage = (event) => {
  const { id, kind, sql, params, options } = event.data;
  queue = queue.then(async () => {
    try {
      let result;
      if (kind === 'load') {
        db = db || (await load());
        result = (await db.query('select version() as version')).rows[0].version;
      } else if (kind === 'exec') {
        result = await db.exec(sql, options);
      } else {
        result = await db.query(sql, params, options);
      }
      self.postMessage({ id, ok: true, result });
    } catch (error) {
      self.postMessage({ id, ok: false, error: fields(error) });
    }
  });
};
