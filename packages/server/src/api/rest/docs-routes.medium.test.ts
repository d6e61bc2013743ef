// The docs page when Scalar's bundle is missing: a plain-text notice and the spec's link, never a 500.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDocsRoutes } from './docs-routes.js';

describe('API reference without the Scalar bundle', () => {
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    app = Fastify();
    await app.register(
      async (api) => registerDocsRoutes(api, { prefix: '/api/v1', bundleFile: '/nonexistent/x.js' }),
      {
        prefix: '/api/v1',
      },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const a = app.server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => app?.close());

  it('says so in plain text and links the raw OpenAPI document', async () => {
    const res = await fetch(`${url}/api/v1/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const text = await res.text();
    expect(text).toContain('The API reference bundle is not installed');
    expect(text).toContain('<a href="/api/v1/openapi.json">');
    expect(text).not.toContain('<script');
  });

  it('answers 404 for the script', async () => {
    const res = await fetch(`${url}/api/v1/docs/scalar.js`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'The API reference bundle is not installed' });
  });
});
