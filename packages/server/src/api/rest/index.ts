// Zerobyte-compatible REST API under /api/v1: registerRestApi(app, deps) is the one hook-in point for app.ts.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ApiKeyStore } from '../../auth/api-keys.js';
import type { SessionStore } from '../../auth/sessions.js';
import type { ConfigStore } from '../../config/types.js';
import type { ZerobyteServices } from '../../services/zerobyte/index.js';
import { routeAuth } from '../../auth/route-access.js';
import { mapError } from './error-mapper.js';
import { badRequest } from './http-error.js';
import { registerDocsRoutes } from './docs-routes.js';
import { buildOpenApi } from './openapi.js';
import { mount, type AnyRoute } from './route.js';
import { sseOpener } from './sse-stream.js';
import { authRoutes, type AuthRouteDeps } from './routes/auth.js';
import { betterAuthRoutes } from './routes/better-auth.js';
import { backupRoutes } from './routes/backups.js';
import { notificationRoutes } from './routes/notifications.js';
import { repositoryRoutes } from './routes/repositories.js';
import { repositoryExecRoutes } from './routes/repository-exec.js';
import { snapshotRoutes } from './routes/snapshots.js';
import { systemRoutes } from './routes/system.js';
import { taskRoutes } from './routes/tasks.js';
import { volumeRoutes } from './routes/volumes.js';

export interface RestApiDeps {
  /** Whether any user exists (setup mode) is read from it. */
  config: ConfigStore;
  /** The Zerobyte use-cases, built by the composition root, which also closes them. */
  services: ZerobyteServices;
  /** Session and API-key stores in rest-api.sqlite (the login, logout and key routes). */
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  /** The one password check (throttled per address and user), shared with the Connect API. */
  checkPassword: AuthRouteDeps['checkPassword'];
  /** SSE heartbeat interval (default 5000 ms). */
  heartbeatMs?: number;
  /** Largest accepted JSON body (default 10 MiB → 413 beyond). */
  bodyLimit?: number;
  secureCookies?: boolean;
  version?: string;
  /** The restic version found at start (GET /system/info). */
  resticVersion?: string;
}

export const REST_PREFIX = '/api/v1';
/** The server's version when the composition root names none (the workspace packages' version). */
export const DEFAULT_VERSION = '0.1.0';

/** Every route of the API (also the source of the OpenAPI document). */
export function restRoutes(
  deps: Parameters<typeof authRoutes>[0],
  services: ZerobyteServices,
  heartbeatMs: number,
  sseStreams: Set<() => Promise<void>> = new Set(),
  version = DEFAULT_VERSION,
  resticVersion: string | null = null,
): AnyRoute[] {
  const sse = sseOpener(heartbeatMs, sseStreams);
  return [
    ...authRoutes(deps),
    ...repositoryRoutes(services),
    ...repositoryExecRoutes(services, sse),
    ...snapshotRoutes(services),
    ...backupRoutes(services),
    ...notificationRoutes(services),
    ...volumeRoutes(services),
    ...taskRoutes(services, sse),
    ...systemRoutes(
      services,
      {
        checkPassword: deps.checkPassword,
        resticPassword: () => services.resticPassword(),
        version,
        resticVersion,
      },
      sse,
    ),
  ];
}

export async function registerRestApi(app: FastifyInstance, deps: RestApiDeps): Promise<void> {
  const { services, sessions, apiKeys } = deps;
  const authDeps = {
    sessions,
    apiKeys,
    checkPassword: deps.checkPassword,
    hasUsers: () => (deps.config.get().auth?.users.length ?? 0) > 0,
    secureCookies: deps.secureCookies ?? false,
  };
  const sseStreams = new Set<() => Promise<void>>();
  const version = deps.version ?? DEFAULT_VERSION;
  const routes = restRoutes(
    authDeps,
    services,
    deps.heartbeatMs ?? 5000,
    sseStreams,
    version,
    deps.resticVersion ?? null,
  );
  const auth = betterAuthRoutes(authDeps, services.users);
  const spec = buildOpenApi(routes, version, auth);
  const bodyLimit = deps.bodyLimit ?? 10 * 1024 * 1024;

  const plugin: FastifyPluginAsync = async (api) => {
    jsonScope(api, bodyLimit);
    const notFound = (
      req: { method: string; url: string },
      reply: { code(c: number): { send(b: unknown): unknown } },
    ) => reply.code(404).send({ message: `Route ${req.method} ${req.url.split('?')[0]} not found` });
    api.setNotFoundHandler((req, reply) => void notFound(req, reply));
    // beats a root wildcard (the web UI's SPA fallback): unknown API paths stay JSON 404s
    api.all('/*', { config: routeAuth('open', 'zerobyte') }, (req, reply) => notFound(req, reply));
    api.get('/openapi.json', { config: routeAuth('open', 'zerobyte') }, () => spec);
    registerDocsRoutes(api, { prefix: REST_PREFIX });
    for (const r of routes) mount(api, r);
    // end SSE responses and let them finish, so the server sees idle connections it can close at once
    api.addHook('preClose', async () => {
      await Promise.all([...sseStreams].map((end) => end()));
    });
  };
  await app.register(plugin, { prefix: REST_PREFIX });
  // better-auth's endpoints that Zerobyte's web client calls, and its liveness probe
  await app.register(
    async (api) => {
      jsonScope(api, bodyLimit);
      // the rest of better-auth (two-factor, passkeys, SSO, admin, invitations): a JSON 404 saying why, never the UI
      api.all('/*', { config: routeAuth('open', 'zerobyte') }, (req, reply) =>
        reply.code(404).send({
          message: `${req.method} ${req.url.split('?')[0]} is not served by Restora: two-factor, passkeys, SSO, admin and invitations have no counterpart (users are managed in the config, auth.users)`,
        }),
      );
      for (const r of auth) mount(api, r);
    },
    { prefix: '/api/auth' },
  );
  app.get('/api/healthcheck', { config: routeAuth('open', 'zerobyte') }, () => ({ status: 'ok' }));
}

/** JSON bodies (empty = none, malformed = 400) and the one error mapper, for a scope of REST routes. */
function jsonScope(api: FastifyInstance, bodyLimit: number): void {
  api.removeContentTypeParser('application/json');
  api.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (e) {
      done(badRequest(`Malformed JSON body: ${(e as Error).message}`), undefined);
    }
  });
  api.setErrorHandler((err, req, reply) => {
    const { status, body } = mapError(err);
    if (status >= 500) req.log.error({ err }, 'REST API request failed');
    void reply.code(status).send(body);
  });
}

export { buildOpenApi } from './openapi.js';
