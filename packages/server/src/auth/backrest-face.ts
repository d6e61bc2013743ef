// Backrest's credentials (HTTP Basic, Bearer JWT) for the routes of its face, with its first-run and disabled modes.
import type { Authenticator } from './authenticator.js';
import { refuseAsText, type FaceGuard } from './route-guard.js';

const SETUP_ONLY = 'Unauthorized (no users are configured yet: add the first user with SetConfig)';

export function backrestFace(auth: Authenticator): FaceGuard {
  return {
    async check(req, access) {
      const mode = auth.mode();
      if (mode === 'disabled') return { ok: true, identity: { user: 'anonymous', via: 'auth-disabled' } };
      if (mode === 'setup')
        return access === 'setup'
          ? { ok: true, identity: { user: '', via: 'setup' } }
          : { ok: false, status: 401, message: SETUP_ONLY };
      const header = req.headers.authorization;
      const r = await auth.authenticate(header, req.ip);
      if (r.ok) {
        const via = /^basic /i.test(header ?? '') ? 'password' : 'token';
        return { ok: true, identity: { user: r.user, via } };
      }
      if (r.retryAfter) return { ok: false, status: 429, message: r.reason, retryAfter: r.retryAfter };
      return { ok: false, status: 401, message: r.reason };
    },
    refuse: refuseAsText,
  };
}
