// One declarative route: zod schemas for params/query/body (validated here, exported to OpenAPI) + a thin handler.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { routeAuth, type Access } from '../../auth/route-access.js';
import { identityOf, type Identity } from '../../auth/route-guard.js';
import { badRequest, unauthorized } from './http-error.js';

export type AuthMode = 'none' | 'any' | 'session';

export interface AuthInfo {
  username: string;
  source: 'browser-session' | 'api-key' | 'bearer-token' | 'auth-disabled';
  sessionToken?: string;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Non-JSON bodies (tar streams, SSE). */
  contentType?: string;
}

export interface HandlerCtx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  auth: AuthInfo;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface RouteDef<P = unknown, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path below /api/v1, Fastify style (`/repositories/:shortId`). */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  auth?: AuthMode;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /**
   * Runs once the path parameters parse, before the query and body are: it throws for an unknown id, so an
   * unknown id answers 404 even when the query or body is also missing or bad (a known one then gets the 400).
   */
  exists?: (params: P) => unknown;
  /** First entry is the success status. */
  responses: Record<number, ResponseSpec>;
  /** Returns the JSON body (sent with the first response status), or the reply when it sent itself. */
  handler: (ctx: HandlerCtx<P, Q, B>) => Promise<unknown> | unknown;
}

export type AnyRoute = RouteDef<any, any, any>;

export const route = <P, Q, B>(def: RouteDef<P, Q, B>): AnyRoute => def as AnyRoute;

/** Names every bad field: `config.path: Invalid input: expected string, received undefined`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

export function parseWith<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const details = describeIssues(r.error);
  throw badRequest(`Invalid ${where}: ${details}`, details);
}

const ACCESS: Record<AuthMode, Access> = { none: 'open', any: 'user', session: 'session' };

const SOURCE: Partial<Record<Identity['via'], AuthInfo['source']>> = {
  session: 'browser-session',
  'api-key': 'api-key',
  token: 'bearer-token',
  'auth-disabled': 'auth-disabled',
};

/** The caller as the route guard decided it; a protected route the guard did not pass is refused (deny by default). */
function authInfo(req: FastifyRequest, mode: AuthMode): AuthInfo {
  const id = identityOf(req.raw);
  const source = id && SOURCE[id.via];
  if (mode === 'none') return undefined as unknown as AuthInfo;
  if (!id || !source) throw unauthorized();
  return { username: id.user, source, ...(id.sessionToken ? { sessionToken: id.sessionToken } : {}) };
}

/** Registers a route on an instance already prefixed with /api/v1; the route guard authenticates it. */
export function mount(app: FastifyInstance, def: AnyRoute): void {
  const success = Number(Object.keys(def.responses)[0] ?? 200);
  const mode = def.auth ?? 'any';
  app.route({
    method: def.method,
    url: def.url,
    config: routeAuth(ACCESS[mode], 'zerobyte'),
    handler: async (req, reply) => {
      const auth = authInfo(req, mode);
      const params = parseWith(def.params, req.params, 'path parameters') as unknown;
      await def.exists?.(params);
      const query = parseWith(def.query, req.query, 'query') as unknown;
      const body = parseWith(def.body, req.body, 'body') as unknown;
      const out = await def.handler({ params, query, body, auth, req, reply });
      if (reply.sent || out === reply) return reply;
      return reply.code(success).send(out);
    },
  });
}
