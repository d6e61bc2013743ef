// Per-request values handed from Fastify to Connect handlers.
import { createContextKey, type HandlerContext } from '@connectrpc/connect';
import type { Identity } from '../../auth/route-guard.js';

export interface RequestInfo {
  /** The caller as the route guard decided it (undefined on open RPCs). */
  auth: Identity | undefined;
  ip: string;
}

export const kRequest = createContextKey<RequestInfo>(
  { auth: undefined, ip: '' },
  { description: 'restora request info' },
);

export const requestInfo = (ctx: HandlerContext): RequestInfo => ctx.values.get(kRequest);
