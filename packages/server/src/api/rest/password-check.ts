// The one password re-check of the REST routes (sign-in, API keys, restic.pass, change-password): a throttled check
// is a 429 with Retry-After; a wrong password is the route's own refusal.
import type { FastifyReply } from 'fastify';
import type { AuthResult } from '../../auth/authenticator.js';
import { HttpError } from './http-error.js';

/** The check shared with the Connect API's Login, throttled per address and user. */
export type PasswordCheck = (username: string, password: string, address: string) => Promise<AuthResult>;

export async function requirePassword(
  check: PasswordCheck,
  reply: FastifyReply,
  who: { username: string; password: string; address: string },
  refuse: () => Error,
): Promise<void> {
  const r = await check(who.username, who.password, who.address);
  if (r.ok) return;
  if (!r.retryAfter) throw refuse();
  reply.header('Retry-After', String(r.retryAfter));
  throw new HttpError(429, `Too many failed sign-ins, retry in ${r.retryAfter} s`);
}
