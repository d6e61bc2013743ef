// OpenAPI 3.1 document generated from the route table's zod schemas (z.toJSONSchema, draft 2020-12 = OAS 3.1).
import { z } from 'zod';
import type { AnyRoute } from './route.js';

const errorSchema = {
  type: 'object',
  properties: { message: { type: 'string' }, details: { type: 'string' } },
  required: ['message'],
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (the message names the field)',
  401: 'Missing or invalid credentials',
  404: 'Not found',
  409: 'Conflict: already running or duplicate',
  413: 'Request body too large',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  delete s.$schema;
  return s;
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({
    name,
    in: location,
    required: location === 'path' || (s.required ?? []).includes(name),
    schema: p,
  }));
}

/** `routes` are below /api/v1; `authRoutes` (better-auth's endpoints of Zerobyte's web client) below /api/auth. */
export function buildOpenApi(
  routes: readonly AnyRoute[],
  version: string,
  authRoutes: readonly AnyRoute[] = [],
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const all = [
    ...routes.map((r) => ({ r, prefix: '/api/v1' })),
    ...authRoutes.map((r) => ({ r, prefix: '/api/auth' })),
  ];
  for (const { r, prefix } of all) {
    const path = `${prefix}${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
    const responses: Record<string, unknown> = {};
    for (const [code, spec] of Object.entries(r.responses)) {
      const content = spec.contentType
        ? { [spec.contentType]: { schema: { type: 'string', format: 'binary' } } }
        : spec.schema
          ? { 'application/json': { schema: jsonSchema(spec.schema, 'output') } }
          : undefined;
      responses[code] = { description: spec.description, ...(content ? { content } : {}) };
    }
    const errors = [400, ...(r.auth === 'none' ? [] : [401]), 404, 409, ...(r.body ? [413] : [])];
    for (const code of errors) {
      responses[String(code)] ??= {
        description: ERROR_TEXT[code],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses,
      ...(r.auth === 'none' ? { security: [] } : {}),
    };
    if (r.body) {
      op.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
      };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Restora REST API (Zerobyte-compatible)',
      version,
      description:
        'Zerobyte-compatible REST API of `restora serve`. Authenticate with the session cookie from ' +
        '`POST /api/v1/auth/login`, or an API key in `x-api-key` / `Authorization: Bearer`.',
    },
    servers: [{ url: '/' }],
    security: [{ sessionCookie: [] }, { apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'zerobyte.session' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

/**
 * Scalar API reference page loading the spec from `specUrl`. `scriptUrl` is Scalar's standalone bundle served by
 * this server (docs-routes.ts), not a CDN, so the page works offline. Web fonts, telemetry and the "Ask AI" agent
 * (which calls proxy.scalar.com on load) are turned off, so the page asks nothing of the internet.
 */
export function docsHtml(specUrl: string, scriptUrl: string): string {
  const config = JSON.stringify({ withDefaultFonts: false, telemetry: false, agent: { disabled: true } });
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Restora REST API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<script id="api-reference" data-url="${specUrl}" data-configuration='${config}'></script>
<script src="${scriptUrl}"></script>
</body>
</html>
`;
}
