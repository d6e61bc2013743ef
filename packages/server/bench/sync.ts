// Multihost sync bench: a client with N existing operations (default 10,000) pairs with a host; prints the time
// until the host holds every copy and the bytes on the wire (a counting TCP proxy in front of the host), side by
// side with the operations' own protobuf size; then cuts the link and measures the resume (manifest only).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clone, create, toBinary } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  Backrest,
  ConfigSchema,
  Multihost_PeerSchema,
  Multihost_Permission_Type as Perm,
  OperationSchema,
} from '@restora/proto';
import { startServer, type RunningServer } from '../src/app.js';
import { hashPassword } from '../src/auth/passwords.js';
import { generateIdentity } from '../src/config/identity.js';
import { dataPaths } from '../src/config/paths.js';
import { SqliteOpLog } from '../src/oplog/sqlite-store.js';
import { backupOp } from '../src/oplog/test-ops.js';
import { parsePairingToken } from '../src/sync/pairing.js';

const N = Number(process.env.BENCH_SYNC_OPS ?? 10_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-bench-sync-'));
process.env.RESTORA_SYNC_RETRY_DELAY_MS = '100';

async function setup(name: string, extra: Record<string, unknown> = {}) {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  const id = generateIdentity();
  const config = {
    version: 6,
    instance: name,
    auth: { users: [{ name: 'admin', passwordBcrypt: await hashPassword('bench-pass') }] },
    sync: { identity: { keyId: id.keyid, ed25519priv: id.ed25519priv, ed25519pub: id.ed25519pub } },
    ...extra,
  };
  fs.writeFileSync(path.join(dir, 'config', 'config.json'), JSON.stringify(config));
  return {
    dir,
    configFile: path.join(dir, 'config', 'config.json'),
    dataDir: path.join(dir, 'data'),
    keyid: id.keyid,
  };
}

const serve = (s: { configFile: string; dataDir: string }) =>
  startServer({
    host: '127.0.0.1',
    port: 0,
    ...s,
    resticCommand: '/usr/bin/restic',
    logLevel: 'silent',
    webDir: false,
  });

const api = (srv: RunningServer) =>
  createClient(
    Backrest,
    createConnectTransport({
      baseUrl: srv.url,
      httpVersion: '1.1',
      interceptors: [
        (next) => (req) => (
          req.header.set('Authorization', `Basic ${Buffer.from('admin:bench-pass').toString('base64')}`),
          next(req)
        ),
      ],
    }),
  );

/** A TCP proxy that counts bytes both ways and can cut every connection. */
async function countingProxy(target: number) {
  const sockets = new Set<net.Socket>();
  let bytes = 0;
  const server = net.createServer((c) => {
    const up = net.connect(target, '127.0.0.1');
    sockets.add(c).add(up);
    c.on('data', (d) => (bytes += d.length));
    up.on('data', (d) => (bytes += d.length));
    c.pipe(up).pipe(c);
    const drop = () => (c.destroy(), up.destroy(), sockets.delete(c), sockets.delete(up));
    c.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    bytes: () => bytes,
    cut: () => sockets.forEach((s) => s.destroy()),
    // the client's live link would hold server.close() open forever: end it first
    close: () => new Promise((r) => (server.close(r), sockets.forEach((s) => s.destroy()))),
  };
}

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  console.log(
    `sync bench: ${N.toLocaleString()} existing operations on the client (${os.cpus().length} cores)`,
  );
  const host = await setup('host');
  const client = await setup('client', {
    repos: [{ id: 'r', guid: 'a'.repeat(64), uri: path.join(root, 'repo'), password: 'x' }],
    // 100 ops per plan: the history GC keeps 100 per (repo, plan, kind), so all N stay on both sides
    plans: Array.from({ length: Math.ceil(N / 100) }, (_, i) => ({
      id: `p${i}`,
      repo: 'r',
      paths: [root],
      schedule: { disabled: true },
    })),
  });
  fs.mkdirSync(client.dataDir, { recursive: true, mode: 0o700 });
  const seed = SqliteOpLog.open({ file: dataPaths(client.dataDir).oplog });
  const t = Date.now() - N * 60_000;
  const ops = Array.from({ length: N }, (_, i) =>
    backupOp({
      repoId: 'r',
      repoGuid: 'a'.repeat(64),
      planId: `p${Math.floor(i / 100)}`,
      instanceId: 'client',
      startMs: t + i * 60_000,
      bytesAdded: i * 1000,
      bytesScanned: 1e9,
      snapshotId: i.toString(16).padStart(64, '0'),
    }),
  );
  seed.importBulk([ops]);
  const rawBytes = ops.reduce((n, o) => n + toBinary(OperationSchema, o).length, 0);
  seed.close();

  const hostSrv = await serve(host);
  const clientSrv = await serve(client);
  const proxy = await countingProxy(Number(new URL(hostSrv.url).port));
  const hostApi = api(hostSrv);
  const clientApi = api(clientSrv);
  const count = async () =>
    (await hostApi.getOperations({ selector: { originalInstanceKeyid: client.keyid } })).operations.length;
  try {
    const { token } = await hostApi.generatePairingToken({
      label: 'bench',
      ttlSeconds: 600n,
      maxUses: 1,
      permissions: [],
    });
    const parsed = parsePairingToken(token);
    const cfg = clone(ConfigSchema, await clientApi.getConfig({}));
    cfg.multihost!.knownHosts = [
      create(Multihost_PeerSchema, {
        instanceId: parsed.instanceId,
        keyid: parsed.keyid,
        instanceUrl: `http://127.0.0.1:${proxy.port}`,
        initialPairingSecret: parsed.secret,
        permissions: [{ type: Perm.PERMISSION_READ_OPERATIONS, scopes: ['*'] }],
      }),
    ];
    // the client's GC may already have thinned old history: the host must end with exactly what the client has
    const expected = (await clientApi.getOperations({ selector: { repoGuid: 'a'.repeat(64) } })).operations
      .length;
    const t0 = performance.now();
    await clientApi.setConfig(cfg);
    await until('all copies on the host', async () => (await count()) === expected);
    const ms = performance.now() - t0;
    const wire = proxy.bytes();
    console.log(
      `initial sync: ${expected.toLocaleString()} ops in ${(ms / 1000).toFixed(2)} s (${Math.round(expected / (ms / 1000)).toLocaleString()} ops/s); ` +
        `${(wire / 1e6).toFixed(2)} MB on the wire (${Math.round(wire / expected)} B/op) vs ${(rawBytes / 1e6).toFixed(2)} MB of protobuf ops: ratio ${(wire / rawBytes).toFixed(2)}x`,
    );
    const before = proxy.bytes();
    const t1 = performance.now();
    proxy.cut();
    // resumed when the host has seen a fresh connection and nothing new was requested: the copies stay N
    await until('reconnect', async () => proxy.bytes() > before + 3000);
    await new Promise((r) => setTimeout(r, 2000));
    const resumeBytes = proxy.bytes() - before;
    console.log(
      `resume after a cut: ${(resumeBytes / 1e3).toFixed(0)} kB on the wire (${((resumeBytes / wire) * 100).toFixed(1)}% of the initial sync; manifest of ${N.toLocaleString()} id/modno pairs), ` +
        `copies on the host: ${(await count()).toLocaleString()} (reconnect + 2 s settle: ${((performance.now() - t1) / 1000).toFixed(1)} s)`,
    );
  } finally {
    await proxy.close();
    await clientSrv.close();
    await hostSrv.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
