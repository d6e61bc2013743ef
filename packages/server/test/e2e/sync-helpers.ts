// Multihost e2e helpers: `restora serve` processes with their own data dirs on loopback, Connect clients for them,
// and a raw Sync peer (our own transport and handshake code) to try what a real client never sends.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  Backrest,
  BackrestSyncService,
  BackrestSyncStateService,
  SyncStreamItemSchema,
  type SyncStreamItem,
} from '@restora/proto';
import { generateIdentity } from '../../src/config/identity.js';
import { AsyncQueue } from '../../src/sync/channel.js';
import { createHandshake, verifyHandshake } from '../../src/sync/handshake.js';
import { loadIdentity, type LocalIdentity } from '../../src/sync/identity.js';
import { SyncSession } from '../../src/sync/session.js';
import { basicHeader, workspace, writeUserConfig, type Workspace } from './api-helpers.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = [
  '--conditions=restora-source',
  '--import',
  'tsx',
  join(ROOT, 'packages/cli/src/main.ts'),
  'serve',
];

export interface Instance {
  name: string;
  ws: Workspace;
  port: number;
  url: string;
  keyid: string;
  identity: LocalIdentity;
  backrest: Client<typeof Backrest>;
  syncState: Client<typeof BackrestSyncStateService>;
  start(): Promise<void>;
  kill(): Promise<void>;
  output(): string;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Where an instance runs: the address it binds, the one the test reaches it at, a command prefix to run it there. */
export interface Placement {
  bind: string;
  address: string;
  wrap: string[];
}

/** A configured instance (user, instance id, identity); `start` spawns `restora serve` on a fixed port. */
export async function instance(
  name: string,
  place: Placement = { bind: '127.0.0.1', address: '127.0.0.1', wrap: [] },
): Promise<Instance> {
  const ws = workspace(`sync-${name}`);
  const id = generateIdentity();
  await writeUserConfig(ws, {
    instance: name,
    sync: { identity: { keyId: id.keyid, ed25519priv: id.ed25519priv, ed25519pub: id.ed25519pub } },
  });
  const port = await freePort();
  const url = `http://${place.address}:${port}`;
  const transport = createConnectTransport({
    baseUrl: url,
    httpVersion: '1.1',
    interceptors: [(next) => (req) => (req.header.set('Authorization', basicHeader()), next(req))],
  });
  let child: ChildProcess | undefined;
  let out = '';
  return {
    name,
    ws,
    port,
    url,
    keyid: id.keyid,
    identity: loadIdentity(id),
    backrest: createClient(Backrest, transport),
    syncState: createClient(BackrestSyncStateService, transport),
    output: () => out,
    async start() {
      out = '';
      const args = [...CLI, '--bind-address', `${place.bind}:${port}`, '--log-level', 'info'];
      const [cmd, ...rest] = [...place.wrap, process.execPath, ...args];
      child = spawn(cmd!, rest, {
        cwd: ROOT,
        env: {
          ...process.env,
          RESTORA_CONFIG: ws.configFile,
          RESTORA_DATA: ws.dataDir,
          RESTORA_RESTIC_COMMAND: '/usr/bin/restic',
          RESTORA_SYNC_RETRY_DELAY_MS: '100',
          RESTORA_SYNC_HEARTBEAT_MS: '2000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const c = child;
      c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((res, rej) => {
        const t = setInterval(() => {
          if (/restora serve listening on http:\/\/\S+:(\d+) /.exec(out)?.[1] === String(port))
            (clearInterval(t), res());
        }, 100);
        c.once('exit', () => (clearInterval(t), rej(new Error(`${name} exited early: ${out}`))));
      });
    },
    async kill() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * One raw Sync attempt against `url` as `identity`, claiming `claimed` (default: its own key). Returns how it ended:
 * 'connected' when the host answered the handshake and sent its first item, else the error text.
 */
export async function rawSyncAttempt(
  url: string,
  o: {
    identity: LocalIdentity;
    instanceId: string;
    secret?: string;
    claimKeyid?: string;
    replay?: SyncStreamItem;
  },
): Promise<{ result: string; handshake?: SyncStreamItem }> {
  const out = new AsyncQueue<SyncStreamItem>();
  const ac = new AbortController();
  const client = createClient(
    BackrestSyncService,
    createConnectTransport({ baseUrl: url, httpVersion: '2' }),
  );
  let sent: SyncStreamItem | undefined;
  try {
    const responses = client.sync(out, { signal: ac.signal })[Symbol.asyncIterator]();
    const session = await SyncSession.establish(responses, out, true);
    let hs = o.replay ?? createHandshake(o.identity, o.instanceId, o.secret ?? '', session.transcript);
    if (o.claimKeyid && hs.action.case === 'handshake')
      hs = create(SyncStreamItemSchema, {
        action: {
          case: 'handshake',
          value: { ...hs.action.value, publicKey: { ...hs.action.value.publicKey!, keyid: o.claimKeyid } },
        },
      });
    sent = hs;
    session.send(hs);
    verifyHandshake(await session.receive(10_000), session.transcript);
    const first = await session.receive(10_000);
    return { result: first ? 'connected' : 'closed', handshake: hs };
  } catch (e) {
    return { result: (e as Error).message, ...(sent ? { handshake: sent } : {}) };
  } finally {
    out.end();
    ac.abort();
  }
}

export { generateIdentity };
