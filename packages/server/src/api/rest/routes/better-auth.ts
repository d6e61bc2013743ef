// The better-auth endpoints Zerobyte's web client calls (/api/auth/*), over the same users and sessions as
// /api/v1/auth/login: first-user sign-up, username sign-in, sign-out, the session, change-password, update-user,
// and the one organization every user is in.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Session } from '../../../auth/sessions.js';
import type { UserAccounts, UserProfile } from '../../../services/zerobyte/user-accounts.js';
import { HttpError, unauthorized } from '../http-error.js';
import { requirePassword } from '../password-check.js';
import { route, type AnyRoute } from '../route.js';
import { endSession, startSession } from '../session-cookie.js';
import type { AuthRouteDeps } from './auth.js';

const tag = 'Auth (better-auth)';
/** better-auth's cookie name with Zerobyte's prefix (the credential reader accepts it). */
export const BETTER_AUTH_COOKIE = 'zerobyte.session_token';
const ORG_ID = 'default';
const iso = (ms: number) => new Date(ms).toISOString();

/** A config user and its profile as better-auth's user object (every user is an instance admin). */
const userOf = (username: string, p: UserProfile) => ({
  id: username,
  name: p.name,
  username,
  displayUsername: p.displayUsername,
  email: p.email,
  emailVerified: false,
  image: p.image,
  role: 'admin',
  dateFormat: p.dateFormat,
  timeFormat: p.timeFormat,
  hasPassword: true,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
});

const org = () => ({
  id: ORG_ID,
  name: 'Default',
  slug: 'default',
  logo: null,
  metadata: null,
  createdAt: iso(0),
});
const member = (username: string) => ({
  id: `member-${username}`,
  organizationId: ORG_ID,
  userId: username,
  role: 'owner',
  createdAt: iso(0),
  user: { id: username, name: username, email: '', image: null },
});

const SignIn = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  rememberMe: z.boolean().optional(),
  callbackURL: z.string().optional(),
});

const Format = z.string().trim().min(1).max(32);
const SignUp = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()),
  password: z.string(),
  name: z.string().trim().min(1).max(128),
  username: z.string().trim().min(2).max(30).optional(),
  displayUsername: z.string().trim().min(1).max(128).optional(),
  dateFormat: Format.optional(),
  timeFormat: Format.optional(),
  image: z.string().max(4096).nullable().optional(),
  // Zerobyte's client sends it; it only starts false (downloading restic.pass is not tracked per user)
  hasDownloadedResticPassword: z.literal(false).optional(),
  rememberMe: z.boolean().optional(),
  callbackURL: z.string().optional(),
});
const ChangePassword = z.object({
  currentPassword: z.string().min(1),
  newPassword: z.string(),
  revokeOtherSessions: z.boolean().optional(),
});
const UpdateUser = z.object({
  name: z.string().trim().min(1).max(128).optional(),
  displayUsername: z.string().trim().min(1).max(128).optional(),
  image: z.string().max(4096).nullable().optional(),
  dateFormat: Format.optional(),
  timeFormat: Format.optional(),
});

export function betterAuthRoutes(d: AuthRouteDeps, users: UserAccounts): AnyRoute[] {
  const user = (username: string) => userOf(username, users.profile(username));
  const cookie = { name: BETTER_AUTH_COOKIE, secure: d.secureCookies };
  const sessionDto = (s: Session) => ({
    id: s.id,
    userId: s.username,
    expiresAt: iso(s.expiresAt),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.createdAt),
    activeOrganizationId: ORG_ID,
  });
  const signIn = async (username: string, password: string, address: string, reply: FastifyReply) => {
    await requirePassword(d.checkPassword, reply, { username, password, address }, () =>
      unauthorized('Invalid username or password'),
    );
    return { redirect: false, ...signedIn(username, reply) };
  };
  const signedIn = (username: string, reply: FastifyReply) => ({
    token: startSession(d.sessions, cookie, reply, username).token,
    user: user(username),
  });
  return [
    route({
      tag,
      method: 'POST',
      url: '/sign-up/email',
      operationId: 'betterAuthSignUpEmail',
      summary:
        'Create the first user (first run only; 403 once a user exists) and sign it in; the user is added to the config',
      auth: 'none',
      body: SignUp,
      responses: { 200: { description: 'Signed up' } },
      handler: async ({ body, reply }) => {
        const username = await users.signUp({ ...body, username: body.username ?? body.name });
        return signedIn(username, reply);
      },
    }),
    route({
      tag,
      method: 'POST',
      url: '/sign-in/username',
      operationId: 'betterAuthSignInUsername',
      summary: 'Sign in with a username and password; sets the zerobyte.session_token cookie',
      auth: 'none',
      body: SignIn,
      responses: { 200: { description: 'Signed in' } },
      handler: ({ body, req, reply }) => signIn(body.username, body.password, req.ip, reply),
    }),
    route({
      tag,
      method: 'POST',
      url: '/sign-in/email',
      operationId: 'betterAuthSignInEmail',
      summary: 'Refused: Restora users have no email address (sign in with the username)',
      auth: 'none',
      body: z.object({ email: z.string().min(1), password: z.string().min(1) }).loose(),
      responses: { 401: { description: 'Refused' } },
      handler: () => {
        throw unauthorized(
          'Restora users have no email address: sign in with the username (/api/auth/sign-in/username)',
        );
      },
    }),
    route({
      tag,
      method: 'POST',
      url: '/sign-out',
      operationId: 'betterAuthSignOut',
      summary: 'End the session and clear the cookie',
      responses: { 200: { description: 'Signed out' } },
      handler: ({ auth, reply }) => endSession(d.sessions, cookie, reply, auth.sessionToken),
    }),
    route({
      tag,
      method: 'GET',
      url: '/get-session',
      operationId: 'betterAuthGetSession',
      summary: 'The session and its user (401 without one)',
      responses: { 200: { description: 'Session' } },
      handler: ({ auth }) => {
        const s = auth.sessionToken ? d.sessions.lookup(auth.sessionToken) : undefined;
        const now = Date.now();
        return {
          session: s
            ? sessionDto(s)
            : // an API key or token: a session view of the caller, without a session id to revoke
              sessionDto({ id: '', username: auth.username, createdAt: now, expiresAt: now }),
          user: user(auth.username),
        };
      },
    }),
    route({
      tag,
      method: 'POST',
      url: '/change-password',
      operationId: 'betterAuthChangePassword',
      summary: 'Change the password (current one re-checked); revokeOtherSessions ends every other session',
      auth: 'session',
      body: ChangePassword,
      responses: { 200: { description: 'Changed' } },
      handler: async ({ body, auth, req, reply }) => {
        const who = { username: auth.username, password: body.currentPassword, address: req.ip };
        await requirePassword(
          d.checkPassword,
          reply,
          who,
          () => new HttpError(400, 'Invalid password', 'currentPassword: does not match'),
        );
        await users.setPassword(auth.username, body.newPassword);
        if (body.revokeOtherSessions) d.sessions.revokeOthers(auth.username, auth.sessionToken);
        return { token: null, user: user(auth.username) };
      },
    }),
    route({
      tag,
      method: 'POST',
      url: '/update-user',
      operationId: 'betterAuthUpdateUser',
      summary:
        'Update the profile: name, displayUsername, image, dateFormat, timeFormat (other fields are a 400)',
      body: UpdateUser.strict(),
      responses: { 200: { description: 'Updated' } },
      handler: ({ body, auth }) => {
        users.updateProfile(auth.username, body);
        return { status: true };
      },
    }),
    route({
      tag,
      method: 'GET',
      url: '/organization/list',
      operationId: 'betterAuthListOrganizations',
      summary: 'The one organization (every user is its owner)',
      responses: { 200: { description: 'Organizations' } },
      handler: () => [org()],
    }),
    route({
      tag,
      method: 'POST',
      url: '/organization/set-active',
      operationId: 'betterAuthSetActiveOrganization',
      summary: 'Only the one organization can be active',
      body: z.object({
        organizationId: z.string().nullable().optional(),
        organizationSlug: z.string().optional(),
      }),
      responses: { 200: { description: 'Organization' } },
      handler: ({ body }) => {
        const id =
          body.organizationId ?? (body.organizationSlug === 'default' ? ORG_ID : body.organizationSlug);
        if (id !== undefined && id !== null && id !== ORG_ID)
          throw new HttpError(
            400,
            `organizationId: unknown organization ${JSON.stringify(id)} (only "default")`,
          );
        return org();
      },
    }),
    route({
      tag,
      method: 'GET',
      url: '/organization/get-full-organization',
      operationId: 'betterAuthGetFullOrganization',
      summary: 'The organization with the caller as its member',
      responses: { 200: { description: 'Organization' } },
      handler: ({ auth }) => ({ ...org(), members: [member(auth.username)], invitations: [] }),
    }),
    route({
      tag,
      method: 'GET',
      url: '/organization/get-active-member',
      operationId: 'betterAuthGetActiveMember',
      summary: "The caller's membership",
      responses: { 200: { description: 'Member' } },
      handler: ({ auth }) => member(auth.username),
    }),
  ];
}
