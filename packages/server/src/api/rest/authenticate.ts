// Who is calling: session cookie, API key (`x-api-key` or `Authorization: Bearer`), or auth disabled in the config.
import type { FastifyRequest } from 'fastify';
import type { ApiKeyStore } from '../../auth/api-keys.js';
import type { SessionStore } from '../../auth/sessions.js';
import type { ConfigStore } from '../../config/types.js';
import type { FaceGuard, Verdict } from '../../auth/route-guard.js';

const COOKIE_NAMES = ['zerobyte.session', 'zerobyte.session_token', '__Secure-zerobyte.session_token'];

export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (COOKIE_NAMES.includes(name)) {
      let v = part.slice(i + 1).trim();
      try {
        v = decodeURIComponent(v);
      } catch {
        return undefined; // malformed percent-encoding: no session, never a 500
      }
      // better-auth style values carry a signature after a dot; ours are plain base64url
      return v.split('.')[0];
    }
  }
  return undefined;
}

function apiKeyOf(req: FastifyRequest): string | undefined {
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x) return x;
  const a = req.headers.authorization;
  if (a && /^Bearer\s+/i.test(a)) return a.replace(/^Bearer\s+/i, '').trim();
  return undefined;
}

/** Zerobyte's credentials (session cookie, API key) for the routes of its face; refusals are JSON `{ message }`. */
export function zerobyteFace(deps: {
  config: ConfigStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
}): FaceGuard {
  const refused = (message: string): Verdict => ({ ok: false, status: 401, message });
  return {
    check: async (req, access) => {
      const auth = deps.config.get().auth;
      if (auth?.disabled) return { ok: true, identity: { user: 'anonymous', via: 'auth-disabled' } };
      // a user removed from the config loses its sessions and keys at once
      const exists = (name: string) => auth?.users.some((u) => u.name === name) ?? false;
      const token = sessionCookie(req.headers.cookie);
      if (token) {
        const s = deps.sessions.lookup(token);
        if (s && exists(s.username))
          return { ok: true, identity: { user: s.username, via: 'session', sessionToken: token } };
      }
      const key = apiKeyOf(req);
      if (key) {
        const k = deps.apiKeys.verify(key);
        if (!k || !exists(k.username)) return refused('Invalid or expired API key');
        if (access === 'session') return refused('Browser session required');
        return { ok: true, identity: { user: k.username, via: 'api-key' } };
      }
      return refused('Invalid or expired session');
    },
    refuse: (reply, v) => {
      if (v.retryAfter) void reply.header('retry-after', String(v.retryAfter));
      return reply.code(v.status).send({ message: v.message });
    },
  };
}
