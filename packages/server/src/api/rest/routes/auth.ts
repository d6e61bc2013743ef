// /api/v1/auth: login/logout (session cookie), status, session, and API keys (managed by a signed-in user).
import { z } from 'zod';
import type { ApiKeyStore } from '../../../auth/api-keys.js';
import { API_KEY_LIMIT } from '../../../auth/api-keys.js';
import type { FastifyReply } from 'fastify';
import type { SessionStore } from '../../../auth/sessions.js';
import { unauthorized } from '../http-error.js';
import { requirePassword, type PasswordCheck } from '../password-check.js';
import { route, type AnyRoute } from '../route.js';
import { endSession, startSession } from '../session-cookie.js';
import { Success } from '../schemas/common.js';

const tag = 'Auth';
export const SESSION_COOKIE = 'zerobyte.session';

export interface AuthRouteDeps {
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  /** The one password check, throttled per address and user (shared with the Connect API's Login). */
  checkPassword: PasswordCheck;
  hasUsers(): boolean;
  /** `Secure` cookie attribute (HTTPS deployments). */
  secureCookies: boolean;
}

const ApiKeyDto = z.object({
  id: z.string(),
  name: z.string(),
  start: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  lastRequestAt: z.number().nullable(),
});

/**
 * API keys are managed by a signed-in user: a browser session or the web UI's sign-in token (Login), never an API
 * key (a leaked key must not mint more) nor an install with authentication off.
 */
export function authRoutes(d: AuthRouteDeps): AnyRoute[] {
  /** A refused password is 401, a throttled one 429 with Retry-After. */
  const verify = (reply: FastifyReply, username: string, password: string, address: string, bad: string) =>
    requirePassword(d.checkPassword, reply, { username, password, address }, () => unauthorized(bad));
  const cookie = { name: SESSION_COOKIE, secure: d.secureCookies };
  return [
    route({
      method: 'GET',
      url: '/auth/status',
      operationId: 'getAuthStatus',
      summary: 'Whether users exist (onboarding)',
      tag,
      auth: 'none',
      responses: { 200: { description: 'Status', schema: z.object({ hasUsers: z.boolean() }) } },
      handler: () => ({ hasUsers: d.hasUsers() }),
    }),
    route({
      method: 'POST',
      url: '/auth/login',
      operationId: 'login',
      summary: 'Log in with a username and password; sets the httpOnly session cookie',
      tag,
      auth: 'none',
      body: z.object({ username: z.string().min(1), password: z.string().min(1) }),
      responses: {
        200: {
          description: 'Logged in',
          schema: z.object({ user: z.object({ username: z.string() }), expiresAt: z.number() }),
        },
      },
      handler: async ({ body, reply, req }) => {
        await verify(reply, body.username, body.password, req.ip, 'Invalid username or password');
        const { session } = startSession(d.sessions, cookie, reply, body.username);
        return { user: { username: body.username }, expiresAt: session.expiresAt };
      },
    }),
    route({
      method: 'POST',
      url: '/auth/logout',
      operationId: 'logout',
      summary: 'End the session and clear the cookie',
      tag,
      responses: { 200: { description: 'Logged out', schema: Success } },
      handler: ({ auth, reply }) => endSession(d.sessions, cookie, reply, auth.sessionToken),
    }),
    route({
      method: 'GET',
      url: '/auth/session',
      operationId: 'getSession',
      summary: 'The authenticated user and how they authenticated',
      tag,
      responses: {
        200: {
          description: 'Session',
          schema: z.object({ user: z.object({ username: z.string() }), authSource: z.string() }),
        },
      },
      handler: ({ auth }) => ({ user: { username: auth.username }, authSource: auth.source }),
    }),
    route({
      method: 'GET',
      url: '/auth/api-keys',
      operationId: 'listApiKeys',
      summary: "The user's API keys (without the secrets)",
      tag,
      auth: 'session',
      responses: {
        200: { description: 'Keys', schema: z.object({ apiKeys: z.array(ApiKeyDto), limit: z.number() }) },
      },
      handler: ({ auth }) => ({
        apiKeys: d.apiKeys.list(auth.username).map(({ username: _u, ...k }) => k),
        limit: API_KEY_LIMIT,
      }),
    }),
    route({
      method: 'POST',
      url: '/auth/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key (password re-verified; the key is shown once)',
      tag,
      auth: 'session',
      body: z.object({
        name: z.string().trim().min(1).max(32),
        password: z.string().min(1),
        expiresIn: z.number().int().positive().nullable().optional().describe('seconds'),
      }),
      responses: { 201: { description: 'Created', schema: ApiKeyDto.extend({ key: z.string() }) } },
      handler: async ({ auth, body, reply, req }) => {
        await verify(reply, auth.username, body.password, req.ip, 'Invalid password');
        const { key, apiKey } = d.apiKeys.create(auth.username, body.name, body.expiresIn ?? null);
        const { username: _u, ...rest } = apiKey;
        return { ...rest, key };
      },
    }),
    route({
      method: 'DELETE',
      url: '/auth/api-keys/:keyId',
      operationId: 'deleteApiKey',
      summary: 'Revoke an API key',
      tag,
      auth: 'session',
      params: z.object({ keyId: z.string().min(1) }),
      responses: { 200: { description: 'Revoked', schema: Success } },
      handler: ({ auth, params }) => {
        d.apiKeys.revoke(auth.username, params.keyId);
        return { success: true };
      },
    }),
  ];
}
