// Per-request values handed from Fastify to Connect handlers.
import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import type { RequestAuth } from '../../auth/http-guard.js';

export interface RequestInfo {
  auth: RequestAuth | undefined;
  ip: string;
  authorization: string | undefined;
}

export const kRequest = createContextKey<RequestInfo>(
  { auth: undefined, ip: '', authorization: undefined },
  { description: 'restora request info' },
);

export const requestInfo = (ctx: HandlerContext): RequestInfo => ctx.values.get(kRequest);
