// Browser glue for the retort playground, bundled by esbuild (bundle.mjs)
// into bundle/glue.js, a classic script that runs before the wasm app starts.
//
// It exposes `globalThis.retort` with two things the Rust app cannot do by
// itself: CodeMirror 6 editors, and loading PGlite with byte-level progress.
// Everything else (what to run, how to show results) lives in Rust.

import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { EditorState, Compartment, Prec } from '@codemirror/state';
import { indentWithTab } from '@codemirror/commands';
import { indentUnit } from '@codemirror/language';
import { python } from '@codemirror/lang-python';
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { concat, expandLinks } from './tar.js';

// Resolve our own files relative to this script, so the playground works
// from any path (an embed under /docs/, a file server, a sub-directory).
const here = new URL('.', document.currentScript ? document.currentScript.src : document.baseURI);

const languages = {
  // PEP 8 indents by four spaces; CodeMirror's default unit is two.
  python: () => [python(), indentUnit.of('    ')],
  sql: () => sql({ dialect: PostgreSQL }),
};

/**
 * Creates a CodeMirror editor inside `parent`.
 * options: { doc, language: 'python' | 'sql', readOnly, testId, label,
 *            (and editor.setLanguage(name) later),
 *            onChange(text), onRun() }
 */
function createEditor(parent, options) {
  const readOnly = new Compartment();
  const language = new Compartment();
  const extensions = [
    basicSetup,
    lintGutter(),
    // Above basicSetup's own Mod-Enter (insert blank line).
    Prec.highest(
      keymap.of([
        {
          key: 'Mod-Enter',
          run: () => {
            if (!options.onRun) return false;
            options.onRun();
            return true;
          },
        },
      ]),
    ),
    keymap.of([indentWithTab]),
    language.of((languages[options.language] || languages.python)()),
    readOnly.of([EditorState.readOnly.of(!!options.readOnly), EditorView.editable.of(!options.readOnly)]),
    EditorView.contentAttributes.of({
      ...(options.testId ? { 'data-testid': options.testId } : {}),
      ...(options.label ? { 'aria-label': options.label } : {}),
    }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged && options.onChange) options.onChange(update.state.doc.toString());
    }),
  ];
  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: options.doc || '', extensions }),
  });
  return {
    getDoc: () => view.state.doc.toString(),
    // Only the part that differs is replaced: the cursor, the scroll
    // position and the undo history (Ctrl+Z undoes a fix) stay meaningful.
    setDoc: (text) => {
      const doc = view.state.doc.toString();
      if (text === doc) return;
      let from = 0;
      const shorter = Math.min(doc.length, text.length);
      while (from < shorter && doc.charCodeAt(from) === text.charCodeAt(from)) from++;
      let tail = 0;
      while (
        tail < shorter - from &&
        doc.charCodeAt(doc.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)
      ) {
        tail++;
      }
      view.dispatch({
        changes: { from, to: doc.length - tail, insert: text.slice(from, text.length - tail) },
      });
    },
    // Selects from..to (UTF-16 offsets) and scrolls it to the middle.
    select: (from, to) => {
      const length = view.state.doc.length;
      const anchor = Math.min(from, length);
      const head = Math.min(Math.max(to, from), length);
      view.dispatch({
        selection: { anchor, head },
        effects: EditorView.scrollIntoView(anchor, { y: 'center' }),
      });
      view.focus();
    },
    // diagnostics: [{ from, to, severity: 'error' | 'warning' | 'info', message }]
    // with UTF-16 offsets (converted from byte spans by the Rust side).
    setDiagnostics: (diagnostics) => {
      const length = view.state.doc.length;
      const clamped = diagnostics.map((d) => ({
        ...d,
        from: Math.min(d.from, length),
        to: Math.min(Math.max(d.to, d.from), length),
      }));
      view.dispatch(setDiagnostics(view.state, clamped));
    },
    // Highlighting follows what the pane holds (a model file or SQL DDL).
    setLanguage: (name) => {
      view.dispatch({ effects: language.reconfigure((languages[name] || languages.python)()) });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}

// The PGlite files, served from our own origin next to this script.
const PGLITE_FILES = {
  module: 'pglite/index.js',
  wasm: 'pglite/pglite.wasm',
  data: 'pglite/pglite.data',
  // A data directory made by initdb at build time (bundle.mjs): booting from
  // it skips initdb in the browser, which is most of PGlite's start-up time.
  datadir: 'pglite/datadir.tgz',
};

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

/**
 * Loads PGlite lazily. onProgress receives
 * { phase: 'download' | 'compile' | 'start', loaded, total } (bytes).
 * Resolves to { db, version, bootMs }; rejects with an Error saying why.
 */
async function loadPglite(onProgress) {
  performance.mark('retort:pglite-start');
  const started = performance.now();
  const sizes = { wasm: [0, 0], data: [0, 0], datadir: [0, 0] };
  const report = () => {
    const loaded = Object.values(sizes).reduce((sum, [l]) => sum + l, 0);
    const total = Object.values(sizes).reduce((sum, [, t]) => sum + t, 0);
    onProgress({ phase: 'download', loaded, total });
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
  onProgress({ phase: 'compile', loaded: wasm.length, total: wasm.length });
  const pgliteWasmModule = await WebAssembly.compile(wasm);
  onProgress({ phase: 'start', loaded: 0, total: 0 });
  const tar = new Uint8Array(
    await new Response(new Blob([datadir]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer(),
  );
  const db = await pglite.PGlite.create({
    pgliteWasmModule,
    fsBundle: new Blob([data]),
    loadDataDir: new Blob([expandLinks(tar)], { type: 'application/x-tar' }),
  });
  const version = (await db.query('select version() as version')).rows[0].version;
  const bootMs = performance.now() - started;
  performance.mark('retort:pglite-ready');
  performance.measure('retort:pglite-boot', 'retort:pglite-start', 'retort:pglite-ready');
  return { db, version, bootMs };
}

// Parser for query results that keeps Postgres's own text form of a value
// (used for date/time types, whose JS Date would lose microseconds and zone).
const keepText = (value) => value;

globalThis.retort = { createEditor, loadPglite, keepText };

// If the wasm app never starts (a failed download, an old browser), say so
// instead of leaving "Loading retort…" on screen. The app removes #boot once
// it has mounted.
function reportBootFailure(reason) {
  const boot = document.getElementById('boot');
  if (!boot) return;
  boot.classList.add('failed');
  boot.textContent = `retort could not start: ${reason}. Reload the page to try again.`;
}
window.addEventListener('unhandledrejection', (event) => {
  reportBootFailure(event.reason && event.reason.message ? event.reason.message : String(event.reason));
});
window.addEventListener('error', (event) => {
  if (event.message) reportBootFailure(event.message);
});
