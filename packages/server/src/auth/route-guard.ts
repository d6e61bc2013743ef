// The one authentication guard: every request's route (as the router dispatched it, however its path was spelled)
// says what it requires (route-access.ts); a route that says nothing is closed. Each face checks its credentials.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Access, Face, RouteAuth } from './route-access.js';

/** Who is calling, as the guard decided. `user` is 'anonymous' when auth is disabled, '' during first-run setup. */
export interface Identity {
  user: string;
  via: 'password' | 'token' | 'session' | 'api-key' | 'auth-disabled' | 'setup';
  sessionToken?: string;
}

export type Verdict =
  { ok: true; identity: Identity } | { ok: false; status: 401 | 429; message: string; retryAfter?: number };

/** A face's credential check and how it words a refusal (Backrest: text/plain; Zerobyte: JSON). */
export interface FaceGuard {
  check(req: FastifyRequest, access: Exclude<Access, 'open'>): Promise<Verdict>;
  refuse(reply: FastifyReply, verdict: Extract<Verdict, { ok: false }>): FastifyReply;
}

const identities = new WeakMap<IncomingMessage, Identity>();

/** The identity the guard decided for a request (undefined on open routes). */
export function identityOf(req: IncomingMessage): Identity | undefined {
  return identities.get(req);
}

const UNDECLARED: Extract<Verdict, { ok: false }> = {
  ok: false,
  status: 401,
  message: 'Unauthorized (route declares no access)',
};

export interface RouteEntry {
  method: string;
  url: string;
  auth: RouteAuth | undefined;
}

const tables = new WeakMap<FastifyInstance, RouteOptions[]>();

/** Every route registered after the guard, with what it requires (undefined: closed). */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  return (tables.get(app) ?? []).flatMap((r) =>
    [r.method].flat().map((method) => ({ method, url: r.url, auth: r.config?.auth })),
  );
}

/** Installs the guard on the root instance, before any route: its hook then runs for every route of every plugin. */
export function installRouteGuard(app: FastifyInstance, faces: Record<Face, FaceGuard>): void {
  const table: RouteOptions[] = [];
  tables.set(app, table);
  // read when asked: a scope's own onRoute hook (api/connect/plugin.ts) runs after this one and may set the config
  app.addHook('onRoute', (r) => void table.push(r));
  app.addHook('onRequest', async (request, reply) => {
    // No route matched: only the 404 handler runs, and it serves nothing.
    if (request.is404) return;
    const auth = request.routeOptions.config.auth;
    if (!auth) return faces.backrest.refuse(reply, UNDECLARED);
    if (auth.access === 'open') return;
    const face = faces[auth.face];
    const verdict = await face.check(request, auth.access);
    if (!verdict.ok) return face.refuse(reply, verdict);
    identities.set(request.raw, verdict.identity);
  });
}

/** Sends a refusal as plain text (Backrest's 401 bodies), with Retry-After when throttled. */
export function refuseAsText(reply: FastifyReply, v: Extract<Verdict, { ok: false }>): FastifyReply {
  if (v.retryAfter) void reply.header('retry-after', String(v.retryAfter));
  return reply.code(v.status).type('text/plain; charset=utf-8').send(v.message);
}
