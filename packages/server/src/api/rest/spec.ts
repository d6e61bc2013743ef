// The OpenAPI document without a running server (routes only need their schemas): committed spec, drift test.
import { buildOpenApi } from './openapi.js';
import { DEFAULT_VERSION, restRoutes } from './index.js';
import { betterAuthRoutes } from './routes/better-auth.js';

export function openApiDocument(version = DEFAULT_VERSION): Record<string, unknown> {
  const none = {} as never;
  return buildOpenApi(restRoutes(none, none, 5000), version, betterAuthRoutes(none, none));
}

export const SPEC_FILE = 'openapi/zerobyte-api.json';
