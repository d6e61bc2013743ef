import { gzipSync } from 'node:zlib';
import { create, toBinary } from '@bufbuild/protobuf';
import { Code, createClient, createContextKey, createContextValues } from '@connectrpc/connect';
import { compressionGzip, createConnectTransport, createGrpcWebTransport } from '@connectrpc/connect-node';
import { Authentication, LoginRequestSchema } from '@restora/proto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installRouteGuard, refuseAsText, routeTable } from '../../auth/route-guard.js';
import { registerConnect } from './plugin.js';

const kIp = createContextKey('', { description: 'test ip' });
const allow = {
  check: () => Promise.resolve({ ok: true as const, identity: { user: 'u', via: 'password' as const } }),
  refuse: refuseAsText,
};

let app: FastifyInstance;
let url: string;
const seen: string[] = [];

beforeAll(async () => {
  app = Fastify();
  installRouteGuard(app, { backrest: allow, zerobyte: allow });
  registerConnect(app, {
    access: (m) => (m.name === 'Login' ? 'open' : 'user'),
    routes: (router) =>
      router.service(Authentication, {
        login: (req, ctx) => {
          seen.push(ctx.values.get(kIp));
          return { token: `t-${req.username}` };
        },
        hashPassword: (req) => ({ value: `h-${req.value}` }),
      }),
    interceptors: [],
    contextValues: (req) => createContextValues().set(kIp, req.ip),
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

const post = (path: string, type: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });

const envelope = (data: Uint8Array, flags = 0) => {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
};

const GARBAGE = Buffer.from([0x0a, 0xff, 0xff, 0xff]);

describe('Connect through the official Fastify adapter', () => {
  it('declares each RPC as a POST route with its access, for the route guard', () => {
    const rpcs = routeTable(app).filter((r) => r.url.startsWith('/v1.Authentication/'));
    expect(rpcs.map((r) => [r.method, r.url, r.auth?.access]).sort()).toEqual([
      ['POST', '/v1.Authentication/HashPassword', 'user'],
      ['POST', '/v1.Authentication/Login', 'open'],
    ]);
    expect(routeTable(app).filter((r) => !r.auth)).toEqual([]);
  });

  it('serves Connect (JSON, binary, gzip) and gRPC-Web clients with context values', async () => {
    const json = createClient(Authentication, createConnectTransport({ baseUrl: url, httpVersion: '1.1' }));
    expect((await json.login({ username: 'a' })).token).toBe('t-a');
    const binary = createClient(
      Authentication,
      createConnectTransport({
        baseUrl: url,
        httpVersion: '1.1',
        useBinaryFormat: true,
        sendCompression: compressionGzip,
        compressMinBytes: 1,
      }),
    );
    expect((await binary.hashPassword({ value: 'x'.repeat(100) })).value).toBe(`h-${'x'.repeat(100)}`);
    const grpcWeb = createClient(
      Authentication,
      createGrpcWebTransport({ baseUrl: url, httpVersion: '1.1' }),
    );
    expect((await grpcWeb.login({ username: 'b' })).token).toBe('t-b');
    expect(seen).toEqual(['127.0.0.1', '127.0.0.1']);
  });

  it('a GET of an RPC is not routed (POST only, as before)', async () => {
    expect((await fetch(`${url}/v1.Authentication/Login`)).status).toBe(404);
  });

  it.each([
    ['plain', GARBAGE, {}],
    ['gzip', gzipSync(GARBAGE), { 'content-encoding': 'gzip' }],
  ])(
    'an undecodable Connect binary body (%s) is invalid_argument, and the handler never runs',
    async (_n, body, h) => {
      const before = seen.length;
      const res = await post('/v1.Authentication/Login', 'application/proto', body, h);
      const err = (await res.json()) as { code: string; message: string };
      expect([res.status, err.code]).toEqual([400, 'invalid_argument']);
      expect(err.message).toMatch(/^malformed request body: /);
      expect(seen.length).toBe(before);
    },
  );

  it('an undecodable gRPC-Web message, compressed or not, is grpc-status 3', async () => {
    for (const [body, h] of [
      [envelope(GARBAGE), {}],
      [envelope(gzipSync(GARBAGE), 1), { 'grpc-encoding': 'gzip' }],
    ] as const) {
      const res = await post('/v1.Authentication/Login', 'application/grpc-web+proto', body, h);
      const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
      expect(res.headers.get('grpc-status') ?? /grpc-status: (\d+)/.exec(text)?.[1]).toBe(
        String(Code.InvalidArgument),
      );
    }
  });

  it('a decodable binary body passes through unchanged', async () => {
    const ok = toBinary(LoginRequestSchema, create(LoginRequestSchema, { username: 'c' }));
    const res = await post('/v1.Authentication/Login', 'application/grpc-web+proto', envelope(ok));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toContain('t-c');
  });

  it('JSON errors stay Connect errors', async () => {
    const res = await post('/v1.Authentication/Login', 'application/json', '{not json');
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'invalid_argument']);
  });

  it('a JSON field the message does not have is refused by name, never dropped', async () => {
    const res = await post('/v1.Authentication/Login', 'application/json', '{"username":"u","passwrd":"p"}');
    const body = (await res.json()) as { code: string; message: string };
    expect([res.status, body.code]).toEqual([400, 'invalid_argument']);
    expect(body.message).toContain('passwrd');
  });
});
