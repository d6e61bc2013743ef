// HTTP-level auth before Connect (like Backrest): 401 text/plain for protected routes without valid credentials.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AuthMode, Authenticator } from './authenticator.js';
import { RateLimiter } from './rate-limit.js';

export interface RequestAuth {
  mode: AuthMode;
  /** Authenticated user name (absent when auth is disabled or during first-run setup). */
  user?: string;
}

const PROTECTED = ['/v1.Backrest/', '/v1sync.BackrestSyncStateService/', '/metrics'];
/** First run (no users): the UI may read the config and save it with the first user, nothing else. */
const SETUP_ALLOWED = new Set(['/v1.Backrest/GetConfig', '/v1.Backrest/SetConfig']);

const auths = new WeakMap<IncomingMessage, RequestAuth>();

/** The auth decided for a request (set by the guard). */
export function authOf(req: IncomingMessage): RequestAuth | undefined {
  return auths.get(req);
}

/**
 * First run (no users and auth not explicitly disabled): the UI may read the config (secrets redacted) and save it
 * with at least one user — Backrest's first-run flow (HashPassword then SetConfig) — but nothing else, and it
 * cannot disable auth that way. Failed credentials are rate-limited per client so Basic cannot be brute-forced.
 */
export function installAuthGuard(
  app: FastifyInstance,
  authenticator: Authenticator,
  failures: RateLimiter = new RateLimiter(30, 60_000),
): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS') return;
    const path = request.url.split('?', 1)[0] ?? '';
    if (!PROTECTED.some((p) => path === p || path.startsWith(p))) return;
    const mode = authenticator.mode();
    if (mode === 'disabled') {
      auths.set(request.raw, { mode });
      return;
    }
    const header = request.headers.authorization;
    if (mode === 'setup') {
      if (SETUP_ALLOWED.has(path)) {
        auths.set(request.raw, { mode });
        return;
      }
      return reply
        .code(401)
        .type('text/plain; charset=utf-8')
        .send('Unauthorized (no users are configured yet: add the first user with SetConfig)');
    }
    const wait = header ? failures.blocked(request.ip) : 0;
    if (wait > 0)
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .type('text/plain; charset=utf-8')
        .send(`Too many failed logins, try again in ${wait} s`);
    const result = await authenticator.authenticate(header);
    if (!result.ok) {
      if (header) failures.hit(request.ip);
      return reply.code(401).type('text/plain; charset=utf-8').send(result.reason);
    }
    auths.set(request.raw, { mode, user: result.user });
  });
}
