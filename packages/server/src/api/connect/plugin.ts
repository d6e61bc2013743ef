// Connect on Fastify through the official adapter (Connect, gRPC-Web and gRPC; JSON and binary). This scope adds
// what the adapter leaves to its host: each RPC route's access (the route guard reads it), POST only, per-request
// context values, and binary bodies decoded before Connect parses them (body-check.ts).
import type { DescMethod } from '@bufbuild/protobuf';
import { type ConnectRouter, type ContextValues, type Interceptor } from '@connectrpc/connect';
import { fastifyConnectPlugin } from '@connectrpc/connect-fastify';
import { compressionBrotli, compressionGzip } from '@connectrpc/connect-node';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { routeAuth, type Access } from '../../auth/route-access.js';
import { bodyProblemOf, checkBinaryBody, kBodyProblem, refuseMalformedBody } from './body-check.js';

export interface ConnectPluginOptions {
  routes: (router: ConnectRouter) => void;
  /** What each RPC's route requires of its caller (the route guard enforces it). */
  access: (method: DescMethod) => Access;
  interceptors: Interceptor[];
  contextValues: (req: FastifyRequest) => ContextValues;
}

const READ_MAX_BYTES = 64 * 1024 * 1024;

export function registerConnect(app: FastifyInstance, o: ConnectPluginOptions): void {
  const methods = new Map<string, DescMethod>();
  void app.register(async (scope) => {
    // The adapter registers every RPC with `all` and no config: the route table gets POST and the access here.
    scope.addHook('onRoute', (route) => {
      const method = methods.get(route.url);
      if (!method) return;
      route.method = 'POST';
      route.config = { ...route.config, ...routeAuth(o.access(method)) };
    });
    scope.addHook(
      'preValidation',
      checkBinaryBody((url) => methods.get(url), READ_MAX_BYTES),
    );
    await scope.register(fastifyConnectPlugin, {
      routes: (router) => {
        o.routes(router);
        for (const h of router.handlers) methods.set(h.requestPath, h.method);
      },
      interceptors: [refuseMalformedBody, ...o.interceptors],
      acceptCompression: [compressionGzip, compressionBrotli],
      // Connect ignores unknown JSON fields by default: a misspelt field (`backupFlags`) would be dropped silently.
      jsonOptions: { ignoreUnknownFields: false },
      readMaxBytes: READ_MAX_BYTES,
      contextValues: (req) => o.contextValues(req).set(kBodyProblem, bodyProblemOf(req)),
    });
  });
}
