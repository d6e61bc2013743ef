import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { create, toBinary, type DescMethod } from '@bufbuild/protobuf';
import { Authentication, BackrestSyncService, LoginRequestSchema } from '@restora/proto';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bodyProblemOf, checkBinaryBody } from './body-check.js';

const login = Authentication.method.login;
const GARBAGE = Buffer.from([0x0a, 0xff, 0xff, 0xff]);
const GOOD = Buffer.from(toBinary(LoginRequestSchema, create(LoginRequestSchema, { username: 'u' })));
const envelope = (data: Uint8Array, flags = 0) => {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
};

function request(type: string, chunks: Buffer[], headers: Record<string, string> = {}, raw?: Readable) {
  const stream = raw ?? Readable.from(chunks);
  Object.assign(stream, { headers: { 'content-type': type, ...headers } });
  return {
    headers: { 'content-type': type, ...headers },
    routeOptions: { url: '/rpc' },
    raw: stream,
    body: undefined,
  } as unknown as FastifyRequest;
}

async function bytesOf(body: unknown): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

const hook = (max = 1024, method: DescMethod = login) => checkBinaryBody(() => method, max);

describe('checkBinaryBody', () => {
  it('passes a decodable body on unchanged, and leaves JSON to Connect', async () => {
    const req = request('application/grpc-web+proto', [
      envelope(GOOD).subarray(0, 3),
      envelope(GOOD).subarray(3),
    ]);
    await hook()(req);
    expect(bodyProblemOf(req)).toBeUndefined();
    expect(await bytesOf(req.body)).toEqual(envelope(GOOD));
    const json = request('application/json', [Buffer.from('{')]);
    await hook()(json);
    expect(json.body).toBeUndefined();
  });

  it('replaces an undecodable body by one empty message and records why', async () => {
    const req = request('application/proto', [gzipSync(GARBAGE)], { 'content-encoding': 'gzip' });
    await hook()(req);
    expect(bodyProblemOf(req)).toBeTruthy();
    expect((await bytesOf(req.body)).length).toBe(0);
    expect(req.raw.headers['content-encoding']).toBeUndefined();
    const grpc = request('application/grpc', [envelope(GOOD), envelope(GARBAGE)]);
    await hook()(grpc);
    expect(bodyProblemOf(grpc)).toBeTruthy();
    expect(await bytesOf(grpc.body)).toEqual(Buffer.alloc(5));
  });

  it.each([
    ['broken framing', 'application/grpc', [envelope(GARBAGE).subarray(0, 6)], {}],
    ['an encoding Connect refuses', 'application/proto', [GARBAGE], { 'content-encoding': 'zstd' }],
    ['data that does not inflate', 'application/proto', [GARBAGE], { 'content-encoding': 'gzip' }],
  ])('leaves %s to Connect (body passed on as it came)', async (_what, type, chunks, headers) => {
    const req = request(type, chunks, headers);
    await hook()(req);
    expect(bodyProblemOf(req)).toBeUndefined();
    expect(await bytesOf(req.body)).toEqual(Buffer.concat(chunks));
  });

  it('hands a body larger than readMaxBytes on whole and unchecked (Connect refuses it)', async () => {
    const chunks = [Buffer.alloc(600, 1), Buffer.alloc(600, 2), Buffer.alloc(600, 3)];
    const req = request('application/proto', chunks);
    await hook(1000)(req);
    expect(bodyProblemOf(req)).toBeUndefined();
    expect(await bytesOf(req.body)).toEqual(Buffer.concat(chunks));
  });

  it('never buffers a bidi stream', async () => {
    const open = new Readable({ read() {} }); // never ends
    const req = request('application/grpc', [], {}, open);
    await hook(1024, BackrestSyncService.method.sync)(req);
    expect(req.body).toBeUndefined();
  });
});
