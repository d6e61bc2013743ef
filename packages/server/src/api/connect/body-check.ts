// connect-es reports a binary body that does not decode as `internal`; Backrest (connect-go) answers
// `invalid_argument`. So binary bodies are read and decoded here, before Connect sees them. A body that does not
// decode reaches Connect as one empty message, and the first interceptor throws invalid_argument with the reason:
// Connect itself then writes the error in the request's protocol (JSON error, end-stream, trailer frame, trailers).
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { fromBinary, type DescMethod } from '@bufbuild/protobuf';
import { Code, ConnectError, createContextKey, type Interceptor } from '@connectrpc/connect';
import type { FastifyRequest } from 'fastify';

/** Where a binary protocol keeps its compression name, and whether its body is enveloped (5-byte frames). */
const BINARY_TYPES: Record<string, { encodingHeader: string; enveloped: boolean }> = {
  'application/proto': { encodingHeader: 'content-encoding', enveloped: false },
  'application/connect+proto': { encodingHeader: 'connect-content-encoding', enveloped: true },
  'application/grpc': { encodingHeader: 'grpc-encoding', enveloped: true },
  'application/grpc+proto': { encodingHeader: 'grpc-encoding', enveloped: true },
  'application/grpc-web': { encodingHeader: 'grpc-encoding', enveloped: true },
  'application/grpc-web+proto': { encodingHeader: 'grpc-encoding', enveloped: true },
};

/** Why the request body did not decode (set by checkBinaryBody, read by refuseMalformedBody). */
export const kBodyProblem = createContextKey<string | undefined>(undefined, {
  description: 'restora malformed body',
});

const problems = new WeakMap<FastifyRequest, string>();

/** The reason the body of `req` did not decode, for the request's context values. */
export const bodyProblemOf = (req: FastifyRequest): string | undefined => problems.get(req);

/** First interceptor: a body that did not decode is the caller's mistake. */
export const refuseMalformedBody: Interceptor = (next) => async (req) => {
  const problem = req.contextValues.get(kBodyProblem);
  if (problem !== undefined)
    throw new ConnectError(`malformed request body: ${problem}`, Code.InvalidArgument);
  return next(req);
};

/**
 * A Fastify preValidation hook for the Connect routes: buffers a binary body (up to readMaxBytes) and hands it to
 * the adapter as `request.body` (which it passes on to Connect instead of reading the socket).
 */
export function checkBinaryBody(methodOf: (url: string) => DescMethod | undefined, readMaxBytes: number) {
  return async (req: FastifyRequest): Promise<void> => {
    const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    const binary = BINARY_TYPES[type];
    const method = req.routeOptions.url ? methodOf(req.routeOptions.url) : undefined;
    // client and bidi streams are read as they arrive, never buffered whole
    if (!binary || !method || (method.methodKind !== 'unary' && method.methodKind !== 'server_streaming'))
      return;
    const { chunks, size, rest } = await readUpTo(req.raw, readMaxBytes);
    if (rest) {
      // too large to check: Connect reads it all and applies its own readMaxBytes refusal
      req.body = concat(chunks, rest);
      return;
    }
    const body = Buffer.concat(chunks, size);
    const encoding = String(req.headers[binary.encodingHeader] ?? 'identity').toLowerCase();
    const problem = decodeProblem(method, body, binary.enveloped, encoding, readMaxBytes);
    if (problem === undefined) {
      req.body = once(body);
      return;
    }
    problems.set(req, problem);
    // an empty message, uncompressed, so Connect gets as far as the interceptors
    delete req.raw.headers['content-length'];
    if (!binary.enveloped) delete req.raw.headers['content-encoding'];
    req.body = once(binary.enveloped ? new Uint8Array(5) : new Uint8Array(0));
  };
}

/** Why `body` does not decode as the method's input, or undefined (also when it cannot tell: Connect decides). */
function decodeProblem(
  method: DescMethod,
  body: Uint8Array,
  enveloped: boolean,
  encoding: string,
  readMaxBytes: number,
): string | undefined {
  const messages: Uint8Array[] = [];
  if (!enveloped) {
    const plain = decompress(body, encoding, readMaxBytes);
    if (!plain) return undefined;
    messages.push(plain);
  } else {
    for (let at = 0; at < body.length;) {
      if (body.length - at < 5) return undefined; // broken framing: Connect's own protocol error
      const flags = body[at]!;
      const len = Buffer.from(body.buffer, body.byteOffset + at + 1, 4).readUInt32BE(0);
      if (flags & ~1 || body.length - at - 5 < len) return undefined;
      const data = body.subarray(at + 5, at + 5 + len);
      const plain = flags & 1 ? decompress(data, encoding, readMaxBytes) : data;
      if (!plain) return undefined;
      messages.push(plain);
      at += 5 + len;
    }
  }
  for (const m of messages) {
    try {
      fromBinary(method.input, m);
    } catch (e) {
      return e instanceof Error ? e.message : 'cannot decode message';
    }
  }
  return undefined;
}

/** The decompressed bytes, or undefined for an encoding Connect refuses or data that does not inflate. */
function decompress(data: Uint8Array, encoding: string, maxOutputLength: number): Uint8Array | undefined {
  try {
    if (encoding === 'identity' || encoding === '') return data;
    if (encoding === 'gzip') return gunzipSync(data, { maxOutputLength });
    if (encoding === 'br') return brotliDecompressSync(data, { maxOutputLength });
  } catch {
    // Connect reports it
  }
  return undefined;
}

async function readUpTo(
  stream: AsyncIterable<Buffer>,
  max: number,
): Promise<{ chunks: Buffer[]; size: number; rest?: AsyncIterator<Buffer> }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const it = stream[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    if (r.done) return { chunks, size };
    chunks.push(r.value);
    size += r.value.length;
    if (size > max) return { chunks, size, rest: it };
  }
}

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function* concat(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncIterable<Uint8Array> {
  yield* head;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}
