// The session cookie both sign-in routes set (/api/v1/auth/login and better-auth's), and clear on sign-out.
import type { FastifyReply } from 'fastify';
import type { SessionStore } from '../../auth/sessions.js';

export interface CookieOptions {
  name: string;
  /** `Secure` attribute (HTTPS deployments). */
  secure: boolean;
}

const header = (o: CookieOptions, value: string, maxAgeS: number) =>
  `${o.name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${o.secure ? '; Secure' : ''}`;

/** A new session for the user, its token set as an httpOnly cookie living as long as the session. */
export function startSession(
  sessions: SessionStore,
  o: CookieOptions,
  reply: FastifyReply,
  username: string,
) {
  const started = sessions.create(username);
  const { session } = started;
  void reply.header(
    'Set-Cookie',
    header(o, started.token, Math.floor((session.expiresAt - session.createdAt) / 1000)),
  );
  return started;
}

/** Sign-out: the session (when the caller has one) revoked and the cookie cleared. */
export function endSession(
  sessions: SessionStore,
  o: CookieOptions,
  reply: FastifyReply,
  token: string | undefined,
): { success: true } {
  if (token) sessions.revoke(token);
  void reply.header('Set-Cookie', header(o, '', 0));
  return { success: true };
}
