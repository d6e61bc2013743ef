// Connect on Fastify (Connect, gRPC-Web and gRPC protocols; JSON and binary), with per-request context and one
// fix: connect-es reports an unparsable binary body as `internal`; a malformed request is `invalid_argument`.
import {
  Code,
  ConnectError,
  createConnectRouter,
  type ConnectRouter,
  type Interceptor,
} from '@connectrpc/connect';
import type { UniversalServerResponse } from '@connectrpc/connect/protocol';
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import type { DescMethod } from '@bufbuild/protobuf';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { routeAuth, type Access } from '../../auth/route-access.js';
import type { ContextValues } from '@connectrpc/connect';

export interface ConnectPluginOptions {
  routes: (router: ConnectRouter) => void;
  /** What each RPC's route requires of its caller (the route guard enforces it). */
  access: (method: DescMethod) => Access;
  interceptors: Interceptor[];
  contextValues: (req: FastifyRequest) => ContextValues;
  log: (msg: string, err?: unknown) => void;
}

const PARSE_FAILURE = /^parse binary/;

export function registerConnect(app: FastifyInstance, o: ConnectPluginOptions): void {
  const router = createConnectRouter({
    interceptors: o.interceptors,
    acceptCompression: [compressionGzip, compressionBrotli],
    readMaxBytes: 64 * 1024 * 1024,
  });
  o.routes(router);
  void app.register((instance, _opts, done) => {
    // Connect reads raw bodies itself; these parsers only apply inside this plugin's scope.
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_r, _p, d) => d(null, undefined));
    for (const handler of router.handlers) {
      const config = routeAuth(o.access(handler.method));
      instance.post(handler.requestPath, { config }, async (req, reply) => {
        void reply.hijack();
        try {
          const uReq = universalRequestFromNodeRequest(req.raw, reply.raw, undefined, o.contextValues(req));
          const uRes = await fixParseError(await handler(uReq));
          await universalResponseToNodeResponse(uRes, reply.raw);
        } catch (e) {
          if (ConnectError.from(e).code !== Code.Aborted) o.log(`rpc ${handler.method.name} failed`, e);
        }
      });
    }
    done();
  });
}

const PARSE_FAILURE_GRPC = /grpc-message: parse%20binary/i;

async function fixParseError(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  const header = res.header;
  const contentType = header?.get('content-type') ?? '';
  const grpcMessage = header?.get('grpc-message');
  if (
    header?.get('grpc-status') === '13' &&
    grpcMessage &&
    PARSE_FAILURE.test(decodeURIComponent(grpcMessage))
  ) {
    header.set('grpc-status', String(Code.InvalidArgument));
    return res;
  }
  if (contentType.startsWith('application/grpc') && res.body) return { ...res, body: fixGrpcTrailers(res) };
  if (res.status !== 500 || !contentType.startsWith('application/json') || !res.body) return res;
  const chunks: Uint8Array[] = [];
  for await (const c of res.body) chunks.push(c);
  const text = Buffer.concat(chunks).toString('utf8');
  let body = text;
  let status = res.status;
  try {
    const err = JSON.parse(text) as { code?: string; message?: string };
    if (err.code === 'internal' && PARSE_FAILURE.test(err.message ?? '')) {
      body = JSON.stringify({ code: 'invalid_argument', message: `malformed request body: ${err.message}` });
      status = 400;
    }
  } catch {
    // not a Connect error body: pass it on unchanged
  }
  const bytes = new TextEncoder().encode(body);
  header?.delete('content-length');
  return { ...res, status, body: once(bytes) };
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** gRPC-Web carries trailers in a 0x80 frame, gRPC in HTTP trailers: rewrite status 13 "parse binary" to 3. */
async function* fixGrpcTrailers(res: UniversalServerResponse): AsyncIterable<Uint8Array> {
  for await (const chunk of res.body ?? []) {
    if (chunk.length > 5 && chunk[0] === 0x80) {
      const text = Buffer.from(chunk.subarray(5)).toString('latin1');
      if (/grpc-status: 13\r\n/.test(text) && PARSE_FAILURE_GRPC.test(text)) {
        const payload = Buffer.from(
          text.replace('grpc-status: 13', `grpc-status: ${Code.InvalidArgument}`),
          'latin1',
        );
        const head = Buffer.alloc(5);
        head[0] = 0x80;
        head.writeUInt32BE(payload.length, 1);
        yield Buffer.concat([head, payload]);
        continue;
      }
    }
    yield chunk;
  }
  const t = res.trailer;
  const msg = t?.get('grpc-message');
  if (t?.get('grpc-status') === '13' && msg && PARSE_FAILURE.test(decodeURIComponent(msg)))
    t.set('grpc-status', String(Code.InvalidArgument));
}
