// The web UI (packages/web/dist) at `/`: files by path, index.html otherwise (hash router), never outside webDir.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { routeAuth } from '../../auth/route-access.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** The built UI next to this package in the workspace, when present. */
/** Longer than any file the UI build has; the SPA's own routes are short too. */
const MAX_URL_PATH = 1024;

export function defaultWebDir(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.resolve(here, '../../../../web/dist');
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

/** Precompressed siblings written by the UI build (vite.config.ts), best first. */
const ENCODINGS: [encoding: string, suffix: string][] = [
  ['br', '.br'],
  ['gzip', '.gz'],
];

/** Encodings the client accepts (q=0 refuses one), from the Accept-Encoding header. */
export function acceptedEncodings(header: string | string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of String(header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) out.add(name);
  }
  return out;
}

export function registerStaticRoute(app: FastifyInstance, webDir: string): void {
  const root = path.resolve(webDir);
  const send = (reply: FastifyReply, file: string, acceptEncoding: string | string[] | undefined) => {
    const ext = path.extname(file);
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    const accepted = acceptedEncodings(acceptEncoding);
    const pre = ENCODINGS.find(([enc, suffix]) => accepted.has(enc) && isFile(file + suffix));
    reply
      .type(TYPES[ext] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding');
    if (pre) reply.header('content-encoding', pre[0]);
    return reply.send(fs.createReadStream(pre ? file + pre[1] : file));
  };
  app.get('/*', { config: routeAuth('open') }, async (req, reply) => {
    const rel = relativePath(req.url);
    if (rel === undefined) return reply.code(400).type('text/plain').send('bad path');
    const file = path.resolve(root, rel);
    const ae = req.headers['accept-encoding'];
    if (rel && file.startsWith(root + path.sep) && isFile(file)) return send(reply, file, ae);
    if (path.extname(rel) || /^(api|v1|v1sync)[./]/.test(rel))
      return reply.code(404).type('text/plain').send('not found');
    return send(reply, path.join(root, 'index.html'), ae);
  });
}

/** The decoded path below `/`, or undefined when no file could have that name (bad escape, NUL, too long). */
function relativePath(url: string): string | undefined {
  const raw = (url.split('?', 1)[0] ?? '/').replace(/^\/+/, '');
  if (raw.length > MAX_URL_PATH) return undefined;
  try {
    const rel = decodeURIComponent(raw);
    return rel.includes('\0') ? undefined : rel;
  } catch {
    return undefined;
  }
}

/** A stat error (name too long, not a directory...) means "no such file": never a 500 printing our path. */
function isFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
