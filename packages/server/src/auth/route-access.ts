// What a route requires of its caller, declared on the route itself (Fastify route `config`), so the guard decides
// on the route the router dispatched, never on URL text. A route that declares nothing is closed.
import type { FastifyContextConfig } from 'fastify';

/**
 * open: anyone (the UI's files, health, login, a download whose token is the credential);
 * setup: anyone while no users exist (Backrest's first run), else a user;
 * user: a signed-in user; session: signed in with a password (a browser session or a Login token; API keys refused).
 */
export type Access = 'open' | 'setup' | 'user' | 'session';

/** Which credentials a route takes: Backrest's (Basic, Bearer JWT) or Zerobyte's (session cookie, API key). */
export type Face = 'backrest' | 'zerobyte';

export interface RouteAuth {
  access: Access;
  face: Face;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

/** The `config` of a route: `app.get(url, { config: routeAuth('open') }, handler)`. */
export const routeAuth = (access: Access, face: Face = 'backrest'): FastifyContextConfig => ({
  auth: { access, face },
});
