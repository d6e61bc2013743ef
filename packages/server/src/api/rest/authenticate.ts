// Who is calling: session cookie, API key (`x-api-key` or `Authorization: Bearer`), or auth disabled in the config.
import type { FastifyRequest } from 'fastify';
import type { ApiKeyStore } from '../../auth/api-keys.js';
import { verifyPassword } from '../../auth/passwords.js';
import type { SessionStore } from '../../auth/sessions.js';
import type { ConfigStore } from '../../config/types.js';
import { unauthorized } from './http-error.js';
import type { AuthInfo, AuthMode } from './route.js';

const COOKIE_NAMES = ['zerobyte.session', 'zerobyte.session_token', '__Secure-zerobyte.session_token'];

export function sessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const name = part.slice(0, i).trim();
    if (COOKIE_NAMES.includes(name)) {
      const v = decodeURIComponent(part.slice(i + 1).trim());
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

export function makeAuthenticate(deps: {
  config: ConfigStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
}) {
  return (req: FastifyRequest, mode: AuthMode): AuthInfo | undefined => {
    if (mode === 'none') return undefined;
    const auth = deps.config.get().auth;
    if (auth?.disabled) return { username: 'anonymous', source: 'auth-disabled' };
    // a user removed from the config loses its sessions and keys at once
    const exists = (name: string) => auth?.users.some((u) => u.name === name) ?? false;
    const token = sessionCookie(req.headers.cookie);
    if (token) {
      const s = deps.sessions.lookup(token);
      if (s && exists(s.username))
        return { username: s.username, source: 'browser-session', sessionToken: token };
    }
    const key = apiKeyOf(req);
    if (key) {
      const k = deps.apiKeys.verify(key);
      if (!k || !exists(k.username)) throw unauthorized('Invalid or expired API key');
      if (mode === 'session') throw unauthorized('Browser session required');
      return { username: k.username, source: 'api-key' };
    }
    throw unauthorized();
  };
}

/** Default login check: the config's users, through the same password module as the Connect API. */
export function configUserVerifier(config: ConfigStore) {
  return async (username: string, password: string): Promise<boolean> => {
    const user = config.get().auth?.users.find((u) => u.name === username);
    if (!user || user.password.case !== 'passwordBcrypt') return false;
    return verifyPassword(password, user.password.value);
  };
}
