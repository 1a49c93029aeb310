// A static file server for dist/ on 127.0.0.1 (random free port), with the
// MIME types wasm streaming needs. Also usable by hand:
//   node tests/e2e/server.mjs dist 8080
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.data': 'application/octet-stream',
  '.tgz': 'application/gzip',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` (and each `mounts` entry: URL prefix → folder); resolves to
 * { url, close(), requests } once listening.
 */
export function serve(root, port = 0, mounts = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    requests.push(url.pathname);
    let base = root;
    let rest = decodeURIComponent(url.pathname);
    for (const [prefix, folder] of Object.entries(mounts)) {
      if (rest.startsWith(prefix)) {
        base = folder;
        rest = rest.slice(prefix.length - 1);
        break;
      }
    }
    let file = path.normalize(path.join(base, rest));
    if (!file.startsWith(path.resolve(base))) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.stat(file, (error, stat) => {
      if (error || !stat.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${url.pathname}`);
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
        'content-length': stat.size,
        'cache-control': 'no-store',
      });
      fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        requests,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [root = 'dist', port = '8080'] = process.argv.slice(2);
  const { url } = await serve(path.resolve(root), Number(port));
  console.log(`serving ${root} at ${url}`);
}
