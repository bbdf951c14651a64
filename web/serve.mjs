// The playground's static server: web/ at /, dist/ at /dist/, on 127.0.0.1 only, with the
// cross-origin isolation headers (COOP/COEP) that make SharedArrayBuffer, hence threads, available.
// `npm run playground` runs it; tests import `serve` and mount more folders.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/**
 * Serves `mounts` (URL prefix → folder relative to the repository) on host:port (0 picks a free port).
 * Only files under a mounted folder are served; anything else is a 404.
 */
export function serve({ port = 0, host = '127.0.0.1', mounts = { '/dist/': 'dist', '/': 'web' } } = {}) {
  const table = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length); // longest prefix first
  const server = createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const hit = table.find(([prefix]) => path.startsWith(prefix));
    let file;
    if (hit) {
      const root = resolve(repo, hit[1]);
      file = normalize(join(root, path.slice(hit[0].length)));
      if (file !== root && !file.startsWith(root + sep)) file = undefined; // no way out of the mount
    }
    let stat;
    try {
      stat = file && statSync(file);
      if (stat && stat.isDirectory()) stat = statSync((file = join(file, 'index.html')));
    } catch {
      stat = undefined;
    }
    if (!stat || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      const close = () => new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      ok({ url: `http://${host}:${bound}/`, close });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // No top-level await: tests load this file through a CommonJS transform.
  serve({ port: Number(process.env.PORT ?? 8080) }).then(({ url }) => console.log(`lepton playground: ${url} (Ctrl-C stops it)`));
}
