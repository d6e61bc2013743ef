// Issue 14 point 6 with real restic: every secret of the config (repo password, password inside a repo URI, secret
// env, hook URLs and tokens, user hash) and of the Zerobyte sidecar (custom password, backend URL password,
// notification tokens) is a unique canary; after backups, failing hooks and failing restic runs, no answer of any
// read RPC, of any GET route, of SetConfig/AddRepo, and no server log line contains one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Backrest } from '@restora/proto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import { openApiDocument } from '../../src/api/rest/spec.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { basicHeader, PASS, RESTIC, serve, USER, waitFor, workspace, type Workspace } from './api-helpers.js';

const C = {
  repoPw: 'CANARY-repo-pw-5f1c',
  uriPw: 'CANARY-uri-pw-77ae',
  envSecret: 'CANARY-env-secret-9b20',
  restPw: 'CANARY-rest-pw-3d4e',
  discord: 'CANARY-discord-tok-11aa',
  slack: 'CANARY-slack-tok-22bb',
  gotify: 'CANARY-gotify-tok-33cc',
  telegram: 'CANARY-telegram-tok-44dd',
  shoutrrr: 'CANARY-ntfy-pw-55ee',
  healthchecks: 'CANARY-hc-uuid-66ff',
  webhook: 'CANARY-webhook-tok-7788',
  zbCustom: 'CANARY-zb-custom-pw-8899',
  zbUrl: 'CANARY-zb-url-pw-99aa',
  zbNotify: 'CANARY-zb-notify-tok-aabb',
  zbTelegram: 'CANARY-zb-telegram-ccdd',
};
/** Nothing listens there: every hook and remote restic call fails, and their errors are what gets checked. */
const DEAD = 'http://127.0.0.1:1';

let ws: Workspace;
let server: RunningServer;
let cookie = '';
let userHash = '';
const logLines: string[] = [];
const bodies: { what: string; text: string }[] = [];

async function call(
  what: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${url}`, { ...init, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  bodies.push({ what, text });
  return { status: res.status, text };
}

const rpc = (name: string, body: unknown = {}) =>
  call(name, `/v1.Backrest/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicHeader() },
    body: JSON.stringify(body),
  });

/** A server-streaming RPC, read for at most `ms` (GetOperationEvents never ends by itself). */
async function streamRpc(name: string, body: unknown, ms: number): Promise<void> {
  const data = Buffer.from(JSON.stringify(body));
  const head = Buffer.alloc(5);
  head.writeUInt32BE(data.length, 1);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), ms);
  let text = '';
  try {
    const res = await fetch(`${server.url}/v1.Backrest/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/connect+json', authorization: basicHeader() },
      body: Buffer.concat([head, data]),
      signal: ctrl.signal,
    });
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
  } catch {
    // aborted: the stream stays open until the keep-alive
  } finally {
    clearTimeout(timer);
  }
  bodies.push({ what: name, text });
}

const rest = (what: string, method: string, url: string, json?: unknown) =>
  call(what, `/api/v1${url}`, {
    method,
    headers: { cookie, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });

function hook(action: Record<string, unknown>) {
  return { conditions: ['CONDITION_SNAPSHOT_START', 'CONDITION_ANY_ERROR'], ...action };
}

beforeAll(async () => {
  ws = workspace('secrets');
  fs.writeFileSync(path.join(ws.src, 'f.txt'), 'secret test\n');
  const repoDir = path.join(ws.dir, 'repo');
  const env = { ...process.env, RESTIC_PASSWORD: C.repoPw };
  execFileSync(RESTIC, ['init', '--repo', repoDir], { env, stdio: 'ignore' });
  const guid = JSON.parse(execFileSync(RESTIC, ['cat', 'config', '--repo', repoDir], { env }).toString()).id;
  userHash = await hashPassword(PASS);
  const hooks = [
    hook({ actionDiscord: { webhookUrl: `${DEAD}/api/webhooks/1/${C.discord}` } }),
    hook({ actionSlack: { webhookUrl: `${DEAD}/services/T/B/${C.slack}` } }),
    hook({ actionGotify: { baseUrl: DEAD, token: C.gotify } }),
    hook({ actionTelegram: { botToken: C.telegram, chatId: '1' } }),
    hook({ actionShoutrrr: { shoutrrrUrl: `ntfy://u:${C.shoutrrr}@127.0.0.1:1/topic?scheme=http` } }),
    hook({ actionHealthchecks: { webhookUrl: `${DEAD}/${C.healthchecks}` } }),
    hook({ actionWebhook: { webhookUrl: `${DEAD}/hook?token=${C.webhook}`, method: 'POST' } }),
  ];
  fs.mkdirSync(path.dirname(ws.configFile), { recursive: true });
  fs.writeFileSync(
    ws.configFile,
    JSON.stringify({
      version: 6,
      instance: 'secrets-host',
      modno: 1,
      repos: [
        {
          id: 'local',
          uri: repoDir,
          guid,
          password: C.repoPw,
          env: [`AWS_SECRET_ACCESS_KEY=${C.envSecret}`, `RESTIC_REST_PASSWORD=${C.restPw}`],
          hooks,
        },
        {
          id: 'remote',
          uri: `rest:http://canary:${C.uriPw}@127.0.0.1:1/r`,
          guid: 'b'.repeat(64),
          password: C.repoPw,
        },
      ],
      plans: [{ id: 'p1', repo: 'local', paths: [ws.src], schedule: { disabled: true }, hooks }],
      auth: { users: [{ name: USER, passwordBcrypt: userHash }] },
    }),
    { mode: 0o600 },
  );
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  server = await serve(ws, { logger: pino({ level: 'trace' }, sink), webDir: false });
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER, password: PASS }),
  });
  cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 120_000);

afterAll(async () => {
  await server?.close();
  ws?.cleanup();
});

describe('no secret leaves the server', () => {
  it('in any answer or log line, after backups, failing hooks and failing restic runs', async () => {
    // work that produces output: a backup firing every hook (each fails), restic against a dead REST server
    expect((await rpc('Backup', { value: 'p1' })).status).toBe(200);
    await rpc('DoRepoTask', { repoId: 'remote', task: 'TASK_INDEX_SNAPSHOTS' });
    await rpc('DoRepoTask', { repoId: 'remote', task: 'TASK_CHECK' });
    await waitFor('remote tasks to end', async () => {
      // OpSelector has no repoId (a JSON field it lacks is now a 400): read all ops, keep the remote repo's
      const ops = JSON.parse((await rpc('GetOperations', { selector: {} })).text) as {
        operations?: { repoId?: string; status?: string }[];
      };
      const list = (ops.operations ?? []).filter((o) => o.repoId === 'remote');
      return list.length >= 1 && list.every((o) => !/PENDING|INPROGRESS/.test(o.status ?? ''))
        ? true
        : undefined;
    });
    // Zerobyte: a repository with a custom password, one whose URL holds a password, notification tokens
    const created = await rest('create repo', 'POST', '/repositories', {
      name: 'zb-local',
      config: { backend: 'local', path: path.join(ws.dir, 'zb'), customPassword: C.zbCustom },
    });
    expect(created.status).toBe(201);
    await rest('create rest repo', 'POST', '/repositories', {
      name: 'zb-rest',
      config: { backend: 'rest', url: `http://zb:${C.zbUrl}@127.0.0.1:1/`, isExistingRepository: true },
    });
    for (const config of [
      { type: 'generic', url: `${DEAD}/notify?token=${C.zbNotify}`, method: 'POST' },
      { type: 'telegram', botToken: C.zbTelegram, chatId: '1' },
    ])
      await rest('create destination', 'POST', '/notifications/destinations', { name: config.type, config });

    // every read RPC
    const config = JSON.parse((await rpc('GetConfig')).text) as { repos: { id: string }[]; modno?: number };
    await rpc('GetOperations', { selector: {} });
    await rpc('GetSummaryDashboard');
    await rpc('ListSnapshots', { repoId: 'local' });
    await rpc('ListSnapshots', { repoId: 'remote' });
    await rpc('PathAutocomplete', { value: ws.dir });
    for (const repo of config.repos) await rpc('CheckRepoExists', { repo });
    await rpc('SetConfig', config);
    const fresh = JSON.parse((await rpc('GetConfig')).text) as { repos: { id: string }[] };
    await rpc('AddRepo', { repo: fresh.repos.find((r) => r.id === 'local') });
    const ops = JSON.parse((await rpc('GetOperations', { selector: {} })).text) as {
      operations: { id: string; logref?: string }[];
    };
    expect(ops.operations.length).toBeGreaterThan(3);
    for (const op of ops.operations) if (op.logref) await streamRpc('GetLogs', { ref: op.logref }, 3000);
    await streamRpc('GetOperationEvents', {}, 500);
    for (const method of Backrest.methods.filter((m) => /^(Get|List)/.test(m.name)))
      if (!bodies.some((b) => b.what === method.name)) await rpc(method.name, {});

    // every GET route, with the ids that exist
    const ids = async (url: string, key: string) =>
      (JSON.parse((await rest(url, 'GET', url)).text) as Record<string, unknown>[]).map((x) =>
        String(x[key]),
      );
    const repoIds = await ids('/repositories', 'shortId');
    const backupIds = await ids('/backups', 'shortId');
    const destIds = await ids('/notifications/destinations', 'id');
    const tasks = JSON.parse((await rest('/tasks', 'GET', '/tasks')).text) as
      { id?: string }[] | { tasks?: { id?: string }[] };
    const taskIds = (Array.isArray(tasks) ? tasks : (tasks.tasks ?? [])).map((t) => String(t.id));
    const snapshots = JSON.parse(
      (await rest('snapshots', 'GET', `/repositories/${repoIds[0]}/snapshots`)).text,
    ) as {
      short_id?: string;
      shortId?: string;
      id?: string;
    }[];
    const snapIds = Array.isArray(snapshots)
      ? snapshots.map((s) => String(s.shortId ?? s.short_id ?? s.id))
      : [];
    const values: Record<string, string[]> = {
      shortId: [...repoIds, ...backupIds],
      id: destIds,
      taskId: taskIds,
      snapshotId: snapIds,
      keyId: ['1'],
      mirrorShortId: repoIds,
    };
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
    for (const [p, opsOf] of Object.entries(doc.paths)) {
      if (!('get' in opsOf) || p.endsWith('/events') || p.endsWith('/dump')) continue;
      const names = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const combos =
        names.length === 0 ? [p] : (values[names[0]!] ?? []).map((v) => p.replace(`{${names[0]}}`, v));
      for (const url of combos) {
        const full = url.replace(/\{(\w+)\}/g, (_m, n: string) => values[n]?.[0] ?? 'x');
        await call(full, full);
      }
    }
    for (const sse of ['/api/v1/tasks/events']) {
      const ctrl = new AbortController();
      setTimeout(() => ctrl.abort(), 500);
      let text = '';
      try {
        const res = await fetch(`${server.url}${sse}`, { headers: { cookie }, signal: ctrl.signal });
        for await (const chunk of res.body!) text += Buffer.from(chunk as Uint8Array).toString('utf8');
      } catch {
        // aborted
      }
      bodies.push({ what: sse, text });
    }

    expect(bodies.length).toBeGreaterThan(40);
    expect(logLines.length).toBeGreaterThan(10);
    // the checks above did see the objects that hold the canaries
    const all = bodies.map((b) => b.text).join('\n');
    expect(all).toContain(`rest:http://canary:********@127.0.0.1:1/r`);
    expect(all).toContain('zb-local');
    expect(all).toContain('telegram');
    const canaries = [...Object.values(C), userHash];
    const leaks = [
      ...bodies.flatMap((b) => canaries.filter((c) => b.text.includes(c)).map((c) => `${b.what}: ${c}`)),
      ...logLines.flatMap((l) =>
        canaries.filter((c) => l.includes(c)).map((c) => `log: ${c}: ${l.slice(0, 300)}`),
      ),
    ];
    expect(leaks).toEqual([]);
  }, 170_000);
});
