// GET /docs (the Scalar API reference page) and GET /docs/scalar.js (Scalar's standalone browser bundle, served
// by this server so the page works on machines without internet). Public, like /openapi.json: documentation only.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { routeAuth } from '../../auth/route-access.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { docsHtml } from './openapi.js';

const gzip = promisify(zlib.gzip);

/** Where `@scalar/api-reference`'s standalone bundle is installed, or undefined when it is not. */
export function scalarBundlePath(): string | undefined {
  // a runtime dependency resolved in node_modules: the root build is plain `tsc -b`, which copies no assets to dist
  try {
    return createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js');
  } catch {
    return undefined;
  }
}

interface Bundle {
  body: Buffer;
  gzipped: Buffer;
  /** Content hash, the `?v=` of the script URL: a new bundle gets a new URL despite the year-long cache. */
  version: string;
}

async function readBundle(file: string | undefined): Promise<Bundle | undefined> {
  if (!file) return undefined;
  try {
    const body = await fs.readFile(file);
    const version = createHash('sha256').update(body).digest('hex').slice(0, 16);
    return { body, gzipped: await gzip(body), version };
  } catch {
    return undefined;
  }
}

/** True when the client takes gzip (`Accept-Encoding` names gzip or `*` without `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The page shown instead of the reference when the bundle is missing: plain text and the spec's link. */
export function docsUnavailableHtml(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Restora REST API</title></head>
<body>
<p>The API reference bundle is not installed (npm package @scalar/api-reference), so the interactive reference cannot be shown.</p>
<p>The raw OpenAPI document: <a href="${specUrl}">${specUrl}</a></p>
</body>
</html>
`;
}

export interface DocsRoutesOptions {
  /** The prefix the routes are mounted under (the page links absolute URLs), e.g. `/api/v1`. */
  prefix: string;
  /** The bundle file; default `scalarBundlePath()`. `null`: not installed. */
  bundleFile?: string | null;
}

export function registerDocsRoutes(api: FastifyInstance, o: DocsRoutesOptions): void {
  const specUrl = `${o.prefix}/openapi.json`;
  // read once, on first use, and kept in memory (about 3.5 MB, 1 MB gzipped); a missing file stays missing
  let bundle: Promise<Bundle | undefined> | undefined;
  const load = (req: FastifyRequest) =>
    (bundle ??= readBundle(
      o.bundleFile === undefined ? scalarBundlePath() : (o.bundleFile ?? undefined),
    ).then((b) => {
      if (!b)
        req.log.warn('Scalar API reference bundle (@scalar/api-reference) not found: /docs shows a link');
      return b;
    }));

  api.get('/docs', { config: routeAuth('open', 'zerobyte') }, async (req, reply) => {
    const b = await load(req);
    const html = b
      ? docsHtml(specUrl, `${o.prefix}/docs/scalar.js?v=${b.version}`)
      : docsUnavailableHtml(specUrl);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  });

  api.get('/docs/scalar.js', { config: routeAuth('open', 'zerobyte') }, async (req, reply) => {
    const b = await load(req);
    if (!b) return reply.code(404).send({ message: 'The API reference bundle is not installed' });
    void reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('vary', 'accept-encoding');
    if (!acceptsGzip(req.headers['accept-encoding'])) return reply.send(b.body);
    return reply.header('content-encoding', 'gzip').send(b.gzipped);
  });
}
