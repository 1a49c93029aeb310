// Browser glue for the retort playground, bundled by esbuild (bundle.mjs)
// into bundle/glue.js, a classic script that runs before the wasm app starts.
//
// It exposes `globalThis.retort` with two things the Rust app cannot do by
// itself: CodeMirror 6 editors, and loading PGlite (in its own worker) with
// byte-level progress.
// Everything else (what to run, how to show results) lives in Rust.

import { basicSetup } from 'codemirror';
import { EditorView, keymap } from '@codemirror/view';
import { EditorState, Compartment, Prec } from '@codemirror/state';
import { indentWithTab } from '@codemirror/commands';
import { indentUnit } from '@codemirror/language';
import { python } from '@codemirror/lang-python';
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import { setDiagnostics, lintGutter } from '@codemirror/lint';

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

/**
 * Loads PGlite lazily, in its own worker (bundle/pg-worker.js). onProgress
 * receives { phase: 'download' | 'compile' | 'start', loaded, total }
 * (bytes). Resolves to { db, version, bootMs }, where db has PGlite's
 * exec(sql, options) and query(sql, params, options), answered by the
 * worker; rejects with an Error saying why.
 */
async function loadPglite(onProgress) {
  performance.mark('retort:pglite-start');
  const started = performance.now();
  const worker = new Worker(new URL('pg-worker.js', here));
  const pending = new Map();
  let next = 0;
  worker.onmessage = (event) => {
    const { id, ok, result, error, progress } = event.data;
    if (progress) return onProgress(progress);
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    if (ok) call.resolve(result);
    else call.reject(Object.assign(new Error(error.message), error));
  };
  worker.onerror = (event) => {
    const failure = new Error(`the database worker failed: ${event.message || 'it could not start'}`);
    for (const call of pending.values()) call.reject(failure);
    pending.clear();
  };
  const call = (message) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  // Functions do not cross to the worker: it applies the parsers itself.
  const plain = (options) => {
    if (!options) return options;
    const { parsers, ...rest } = options;
    return rest;
  };
  let version;
  try {
    version = await call({ kind: 'load' });
  } catch (error) {
    worker.terminate();
    throw error;
  }
  const db = {
    exec: (sql, options) => call({ kind: 'exec', sql, options: plain(options) }),
    query: (sql, params, options) => call({ kind: 'query', sql, params, options: plain(options) }),
  };
  const bootMs = performance.now() - started;
  performance.mark('retort:pglite-ready');
  performance.measure('retort:pglite-boot', 'retort:pglite-start', 'retort:pglite-ready');
  return { db, version, bootMs };
}

// Parser for query results that keeps Postgres's own text form of a value
// (used for date/time types, whose JS Date would lose microseconds and zone).
const keepText = (value) => value;

// In an embed: tells the host page the content's height whenever it
// changes, so its <iframe> can fit it (see the snippet in README.md).
function reportHeight() {
  document.documentElement.classList.add('embed');
  if (window.parent === window) return;
  let last = 0;
  const post = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'retort:height', height }, '*');
  };
  new ResizeObserver(post).observe(document.body);
  post();
}

// Copies text to the clipboard; resolves to false where the page may not.
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

globalThis.retort = { createEditor, loadPglite, keepText, reportHeight, copyText };

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
