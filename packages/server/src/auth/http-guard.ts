// HTTP-level auth before Connect (like Backrest): 401 text/plain for protected routes without valid credentials.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { AuthMode, Authenticator } from './authenticator.js';

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

export function installAuthGuard(app: FastifyInstance, authenticator: Authenticator): void {
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
    const result = await authenticator.authenticate(header);
    if (!result.ok) return reply.code(401).type('text/plain; charset=utf-8').send(result.reason);
    auths.set(request.raw, { mode, user: result.user });
  });
}
