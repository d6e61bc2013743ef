// Issue 14 points 8 and 9: a bounded, seeded fuzz of every Connect RPC (from the Backrest and Authentication
// descriptors) and every Zerobyte REST route (from the OpenAPI document built from restRoutes), authenticated as a
// real user: no answer is a 5xx, none carries a stack trace or the install path. Reproduce with FUZZ_SEED=<n>.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clone, create, toJsonString, type DescMethod } from '@bufbuild/protobuf';
import {
  Authentication,
  Backrest,
  ConfigSchema,
  PlanSchema,
  RepoSchema,
  ScheduleSchema,
} from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/rest/spec.js';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';
import { basicHeader, clients, type Clients } from './api-helpers.js';
import { hostileBody, pick, protoJson, rngFrom, schemaJson, type Pools, type Rng } from './fuzz-gen.js';

const SEED = Number(process.env.FUZZ_SEED ?? 14_2026);
const PER_RPC = 45;
const PER_ROUTE = 30;
const CONCURRENCY = 6;
/** The install (this checkout): no answer may name it. */
const INSTALL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const LEAK = /\n\s+at [^\n]+:\d+:\d+|node:internal|node_modules|\.ts:\d+:\d+/;

interface Case {
  target: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  what: string;
  stream?: boolean;
}

interface Answer {
  status: number;
  text: string;
}

let h: Harness;
let api: Clients;
let pools: Pools;
let cookie: string;
let cwd: string;

/** Reads at most `ms` and 256 KiB of a response (streams and downloads never end by themselves). */
async function readSome(res: Response, ms: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const parts: Buffer[] = [];
  let size = 0;
  const stop = setTimeout(() => void reader.cancel().catch(() => undefined), ms);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
      size += value.length;
      if (size > 256 * 1024) {
        await reader.cancel();
        break;
      }
    }
  } catch {
    // cancelled by the timer
  } finally {
    clearTimeout(stop);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** A stream with nothing to say yet sends no head (Connect waits for the first message or keep-alive). */
const OPEN_STREAM: Answer = { status: 0, text: '' };

async function send(c: Case): Promise<Answer> {
  let res: Response;
  try {
    res = await fetch(`${h.url}${c.url}`, {
      method: c.method,
      headers: c.headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
      signal: AbortSignal.timeout(c.stream ? 1500 : 30_000),
    });
  } catch (e) {
    if (c.stream && (e as Error).name === 'TimeoutError') return OPEN_STREAM;
    throw e;
  }
  return { status: res.status, text: await readSome(res, c.stream ? 400 : 10_000) };
}

/** Connect's streaming framing: flags byte, big-endian length, message. */
function envelope(body: string | Uint8Array): Uint8Array {
  const data = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
  const head = Buffer.alloc(5);
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

function rpcCases(rng: Rng, service: string, m: DescMethod): Case[] {
  const stream = m.methodKind === 'server_streaming';
  const out: Case[] = [];
  for (let i = 0; i < PER_RPC; i++) {
    const shaped = protoJson(rng, m.input, pools) as Record<string, unknown>;
    // a SetConfig with the stored modno would replace the whole config (users included) with noise
    if (m.name === 'SetConfig' && typeof shaped === 'object') shaped.modno = 987_654;
    const raw = hostileBody(rng, shaped);
    const streamType = raw.contentType === 'application/json' ? 'application/connect+json' : raw.contentType;
    const contentType = stream ? streamType : raw.contentType;
    out.push({
      target: `${service}/${m.name}`,
      method: 'POST',
      url: `/${service}/${m.name}`,
      headers: {
        authorization: basicHeader(USER, PASSWORD),
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      body: stream && raw.what !== 'binary as proto' ? envelope(raw.body) : raw.body,
      what: raw.what,
      stream,
    });
  }
  return out;
}

type Op = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: Record<string, unknown> }> };
};

/** encodeURIComponent, except for a lone surrogate (which it cannot encode): sent as a raw `%ED%A0%80`. */
function encode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

function pathValue(rng: Rng): string {
  const v = rng() < 0.5 ? pick(rng, pools.ids) : (schemaJson(rng, { type: 'string' }, {}, pools) as string);
  // mostly encoded like a client would; sometimes raw (NUL, '..', spaces) as an attacker would
  return rng() < 0.8 ? encode(v) : v.replace(/[?#]/g, '_').slice(0, 6000);
}

function restCases(rng: Rng): Case[] {
  const doc = openApiDocument() as { paths: Record<string, Record<string, Op>> };
  const out: Case[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      // logging out (either route) would end the fuzz's own session; it runs once, last
      if (p === '/api/v1/auth/logout' || p === '/api/auth/sign-out') continue;
      const schema = op.requestBody?.content?.['application/json']?.schema;
      for (let i = 0; i < PER_ROUTE; i++) {
        const url = p.replace(/\{(\w+)\}/g, () => pathValue(rng));
        const query = (op.parameters ?? [])
          .filter((x) => x.in === 'query' && rng() < 0.6)
          .map((x) => `${x.name}=${encode(String(schemaJson(rng, { type: 'string' }, {}, pools)))}`)
          .join('&');
        const headers: Record<string, string> = { cookie };
        let body: string | Uint8Array | undefined;
        let what = 'no body';
        if (schema || rng() < 0.1) {
          const shaped = schema ? schemaJson(rng, schema, doc, pools) : {};
          const raw = hostileBody(rng, shaped);
          if (raw.contentType) headers['content-type'] = raw.contentType;
          body = raw.body;
          what = raw.what;
        }
        out.push({
          target: `${method.toUpperCase()} ${p}`,
          method: method.toUpperCase(),
          url: query ? `${url}?${query}` : url,
          headers,
          ...(body !== undefined && method !== 'get' ? { body } : {}),
          what,
          stream: p.endsWith('/events') || p.endsWith('/dump'),
        });
      }
    }
  }
  return out;
}

/** Runs every case, CONCURRENCY at a time; returns the answers that break the rules. */
async function runAll(cases: Case[]): Promise<{ bad: string[]; statuses: Map<number, number> }> {
  const bad: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      let a: Answer;
      try {
        a = await send(c);
      } catch (e) {
        bad.push(`${c.target} [${c.what}] #${i}: no answer (${(e as Error).message})`);
        continue;
      }
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const streamError = c.stream && /"code":"(internal|unknown|data_loss)"/.test(a.text);
      if (a.status >= 500 || streamError || LEAK.test(a.text) || a.text.includes(INSTALL))
        bad.push(`${c.target} [${c.what}] #${i}: ${a.status} ${a.text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { bad, statuses };
}

beforeAll(async () => {
  h = await startHarness('fuzz');
  // relative paths in fuzzed bodies (repo URIs, restore targets) land in a deep scratch dir, never elsewhere
  cwd = path.join(h.dir, 'a', 'b', 'c', 'd', 'cwd');
  fs.mkdirSync(cwd, { recursive: true });
  process.chdir(cwd);
  api = clients(h.url, { binary: false, authorization: basicHeader(USER, PASSWORD) });
  const src = path.join(h.dir, 'src');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'f.txt'), 'fuzz\n');
  await api.backrest.addRepo({
    repo: create(RepoSchema, { id: 'fz', uri: path.join(h.dir, 'repo'), password: 'fuzz-repo-pw' }),
  });
  const config = clone(ConfigSchema, await api.backrest.getConfig({}));
  const manual = create(ScheduleSchema, { schedule: { case: 'disabled', value: true } });
  config.plans = [create(PlanSchema, { id: 'fzp', repo: 'fz', paths: [src], schedule: manual })];
  await api.backrest.setConfig(config);
  await api.backrest.backup({ value: 'fzp' });
  const snap = (await api.backrest.listSnapshots({ repoId: 'fz', planId: 'fzp' })).snapshots[0]!.id;
  cookie = await h.login();
  const shortIds = async (p: string) =>
    ((await h.call('GET', p, { cookie })).body as { shortId: string }[]).map((x) => x.shortId);
  pools = {
    ids: [
      'fz',
      'fzp',
      snap,
      snap.slice(0, 8),
      'rest-test',
      '1',
      ...(await shortIds('/api/v1/repositories')),
      ...(await shortIds('/api/v1/backups')),
    ],
    paths: [src, path.join(h.dir, 'fuzz-out'), path.join(h.dir, 'repo'), path.join(src, 'f.txt')],
  };
}, 120_000);

afterAll(async () => {
  process.chdir(INSTALL);
  await h?.close();
});

describe('security fuzz', () => {
  it("answers the issue's own examples with a 4xx naming the field", async () => {
    const rpc = async (name: string, body: unknown) => {
      const r = await h.call('POST', `/v1.Backrest/${name}`, {
        json: body,
        headers: { authorization: basicHeader(USER, PASSWORD) },
      });
      return { status: r.status, text: r.text.slice(0, 2000) };
    };
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const cases: [string, unknown, RegExp][] = [
      ['GetOperations', { selector: {}, lastN: '9223372036854775807' }, /lastN/],
      ['CheckRepoExists', { repo: { id: 'n', uri: '/tmp/a\u0000b', password: 'p' } }, /repo\.uri/],
      ['CheckRepoExists', { repo: { id: 'n', uri: huge, password: 'p' } }, /repo\.uri.*too long/],
      ['AddRepo', { repo: { id: 'n', uri: huge, password: 'p' } }, /repo\.uri.*too long/],
      ['ListSnapshotFiles', { repoId: 'fz', snapshotId: huge, path: '/' }, /snapshotId.*too long/],
      ['CheckRepoExists', { repo: { id: 'n', uri: '/etc/passwd', password: 'p' } }, /not a directory/],
      ['AddRepo', { repo: { id: 'n', uri: '/etc/passwd', password: 'p' } }, /\/etc\/passwd/],
      [
        'CheckRepoExists',
        { repo: { id: 'n', uri: path.join(h.dir, 'repo'), password: 'not-the-pw' } },
        /password or no key found/,
      ],
    ];
    for (const [name, body, message] of cases) {
      const a = await rpc(name, body);
      expect([name, a.status]).toEqual([name, 400]);
      expect(a.text).toMatch(message);
    }
    const config = toJsonString(ConfigSchema, await api.backrest.getConfig({}));
    const withHash = JSON.parse(config) as { auth: { users: { passwordBcrypt: string }[] } };
    withHash.auth.users[0]!.passwordBcrypt = 'x';
    const a = await rpc('SetConfig', withHash);
    expect([a.status, a.text]).toEqual([400, expect.stringMatching(/auth\.users\[0\]\.passwordBcrypt/)]);
    // a restic failure the request caused (a plan path that does not exist): a 4xx with restic's reason
    const cfg = clone(ConfigSchema, await api.backrest.getConfig({}));
    const manual = create(ScheduleSchema, { schedule: { case: 'disabled', value: true } });
    const gone = path.join(h.dir, 'no-such-dir');
    cfg.plans.push(create(PlanSchema, { id: 'gone', repo: 'fz', paths: [gone], schedule: manual }));
    await api.backrest.setConfig(cfg);
    const backup = await rpc('Backup', { value: 'gone' });
    expect([backup.status, backup.text]).toEqual([400, expect.stringMatching(/no-such-dir|do not exist/)]);
    for (const p of ['/index.html%00', `/${'a'.repeat(10_000)}`, '/%E0%A4%A']) {
      const r = await fetch(`${h.url}${p}`);
      const text = await r.text();
      expect(r.status, p.slice(0, 20)).toBeGreaterThanOrEqual(400);
      expect(r.status, p.slice(0, 20)).toBeLessThan(500);
      expect(text).not.toContain(INSTALL);
    }
  });

  it('gives no 5xx, stack trace or install path for a few thousand hostile bodies', async () => {
    const rng = rngFrom(SEED);
    const cases = [
      ...Backrest.methods.flatMap((m) => rpcCases(rng, Backrest.typeName, m)),
      ...Authentication.methods.flatMap((m) => rpcCases(rng, Authentication.typeName, m)),
      ...restCases(rng),
    ];
    expect(cases.length).toBeGreaterThan(2500);
    const started = Date.now();
    const { bad, statuses } = await runAll(cases);
    const count = (f: (s: number) => boolean) =>
      [...statuses].filter(([s]) => f(s)).reduce((n, [, c]) => n + c, 0);
    const summary = JSON.stringify(Object.fromEntries(statuses));
    if (process.env.FUZZ_VERBOSE) console.info(`fuzz seed ${SEED}: statuses ${summary}`);
    const logout = await send({
      target: 'logout',
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie },
      what: 'last',
    });
    expect(logout.status).toBeLessThan(500);
    expect(bad, `seed ${SEED}, ${cases.length} cases in ${Date.now() - started} ms`).toEqual([]);
    // authenticated for real: the bodies reach handlers (some succeed), credentials are not what fails
    expect(
      count((s) => s >= 200 && s < 300),
      summary,
    ).toBeGreaterThan(cases.length / 10);
    expect(
      count((s) => s === 401),
      summary,
    ).toBeLessThan(cases.length / 50);
  }, 170_000);
});
