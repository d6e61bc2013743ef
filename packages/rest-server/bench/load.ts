import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { RawPool } from './raw-http.js';

export interface Target {
  name: string;
  base: string; // http://127.0.0.1:port
  agent: Agent; // for responses whose body is kept (listings)
  raw: RawPool; // for the load itself
}

export function makeTarget(name: string, base: string, clients: number): Target {
  const url = new URL(base);
  return {
    name,
    base,
    agent: new Agent({ keepAlive: true, maxSockets: clients }),
    raw: new RawPool(url.hostname, Number(url.port)),
  };
}

const V2 = 'application/vnd.x.restic.rest.v2';

export interface Resp {
  status: number;
  bytes: number;
  body?: Buffer;
}

/** One HTTP request on a keep-alive connection; the response body is counted (and kept when asked). */
export function call(
  t: Target,
  method: string,
  path: string,
  opts: { body?: Buffer[]; range?: string; keep?: boolean } = {},
): Promise<Resp> {
  if (!opts.keep) {
    const len = opts.body?.reduce((n, b) => n + b.length, 0) ?? 0;
    const range = opts.range ? `Range: ${opts.range}\r\n` : '';
    const head = `${method} ${path} HTTP/1.1\r\nHost: ${t.base.slice(7)}\r\nAccept: ${V2}\r\n${range}Content-Length: ${len}\r\n\r\n`;
    return t.raw.request(head, opts.body);
  }
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: V2 };
    const len = opts.body?.reduce((n, b) => n + b.length, 0);
    if (len !== undefined) headers['Content-Length'] = len;
    if (opts.range) headers.Range = opts.range;
    const req = request(t.base + path, { method, agent: t.agent, headers }, (res) => {
      let bytes = 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (opts.keep) chunks.push(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, bytes, body: opts.keep ? Buffer.concat(chunks) : undefined }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const b of opts.body ?? []) req.write(b);
    req.end();
  });
}

/** Runs `total` jobs on `clients` concurrent workers; returns elapsed seconds. */
export async function runConcurrent(
  clients: number,
  total: number,
  job: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) await job(next++);
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Objects of `size` bytes sharing one random body, made distinct by an 8-byte prefix; ids precomputed. */
export function objectSet(count: number, size: number): { ids: string[]; body: (i: number) => Buffer[] } {
  const base = randomBytes(size);
  const prefix = (i: number): Buffer => {
    const p = Buffer.alloc(8);
    p.writeBigUInt64BE(BigInt(i) + 1n + (BigInt(size) << 32n));
    return p;
  };
  const tail = base.subarray(8);
  const ids = Array.from({ length: count }, (_, i) =>
    createHash('sha256').update(prefix(i)).update(tail).digest('hex'),
  );
  return { ids, body: (i) => [prefix(i), tail] };
}
