// The two faces of the one identity model: which credentials each API's routes take and how each words a refusal.
// Backrest's routes take Basic, Login tokens and API keys (never cookies: Connect has no CSRF defence); Zerobyte's
// take its session cookie, API keys and Login tokens (never Basic, which browsers resend by themselves).
import type { FastifyReply } from 'fastify';
import type { Authenticator } from './authenticator.js';
import { readCredentials } from './credentials.js';
import { refuseAsText, type FaceGuard, type Verdict } from './route-guard.js';

const SETUP_ONLY =
  'Unauthorized (no users are configured yet: add the first user, or disable authentication, with SetConfig)';

type Refusal = Extract<Verdict, { ok: false }>;

function face(
  auth: Authenticator,
  o: { sessions: boolean; passwords: boolean; missing: string; refuse: FaceGuard['refuse'] },
): FaceGuard {
  return {
    async check(req, access) {
      const mode = auth.mode();
      if (mode === 'disabled') return { ok: true, identity: { user: 'anonymous', via: 'auth-disabled' } };
      if (mode === 'setup' && access === 'setup') return { ok: true, identity: { user: '', via: 'setup' } };
      if (mode === 'setup' && !o.sessions) return { ok: false, status: 401, message: SETUP_ONLY };
      const creds = readCredentials(req.headers);
      const r = await auth.identify(creds, req.ip, o, o.missing);
      if (!r.ok)
        return r.retryAfter
          ? { ok: false, status: 429, message: r.reason, retryAfter: r.retryAfter }
          : { ok: false, status: 401, message: r.reason };
      // a person who signed in with a password (browser session or Login token); never a script's API key
      if (access === 'session' && r.via !== 'session' && r.via !== 'token')
        return { ok: false, status: 401, message: 'Browser session required' };
      const session = r.via === 'session' ? { sessionToken: creds.session } : {};
      return { ok: true, identity: { user: r.user, via: r.via, ...session } };
    },
    refuse: o.refuse,
  };
}

export const backrestFace = (auth: Authenticator): FaceGuard =>
  face(auth, {
    sessions: false,
    passwords: true,
    missing: 'Unauthorized (No Authorization Header)',
    refuse: refuseAsText,
  });

export const zerobyteFace = (auth: Authenticator): FaceGuard =>
  face(auth, {
    sessions: true,
    passwords: false,
    missing: 'Invalid or expired session',
    refuse: (reply: FastifyReply, v: Refusal) => {
      if (v.retryAfter) void reply.header('retry-after', String(v.retryAfter));
      return reply.code(v.status).send({ message: v.message });
    },
  });
