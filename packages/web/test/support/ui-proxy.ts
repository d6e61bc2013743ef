import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
};

/**
 * Serves the built UI and forwards the API (/v1.*, /v1sync.*, /download/, /metrics) to a running
 * `restora serve`, on one origin — what `restora serve` itself does once it hosts packages/web/dist.
 */
export async function serveUiWithApi(
  dist: string,
  apiUrl: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const api = new URL(apiUrl);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (/^\/(v1\.|v1sync\.|download\/|metrics)/.test(path)) {
      const up = request(
        { host: api.hostname, port: api.port, method: req.method, path: req.url, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => res.writeHead(502).end('upstream error'));
      req.pipe(up);
      res.on('close', () => up.destroy());
      return;
    }
    const file = join(dist, normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, ''));
    stat(file).then(
      (s) => {
        if (!s.isFile()) throw new Error('not a file');
        res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
