// A fleet of three `restora serve` processes, each with its own data dir: host `hq`, clients `laptop` and `nas`,
// each in its own network namespace where the machine allows (else loopback; the describe line says which).
// Pair both with one token; cut a client's link in the middle of its first sync and while it backs up (nothing
// lost, nothing doubled); the host reads a client's log on request and shows its dashboard; shared repos reach
// the client that may receive them and are read-only there; restart either side; revoke.
import { clone, create } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigSchema,
  ConnectionState,
  Multihost_PeerSchema,
  Multihost_Permission_Type as Perm,
  OperationStatus,
  PlanSchema,
  RepoSchema,
  ScheduleSchema,
  type Operation,
} from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/config/paths.js';
import { SqliteOpLog } from '../../src/oplog/sqlite-store.js';
import { backupOp } from '../../src/oplog/test-ops.js';
import { loadIdentity } from '../../src/sync/identity.js';
import { parsePairingToken } from '../../src/sync/pairing.js';
import { REPO_PASSWORD, waitFor } from './api-helpers.js';
import { generateIdentity, instance, rawSyncAttempt, type Instance } from './sync-helpers.js';
import { fleetNetwork } from './sync-network.js';

const net = fleetNetwork(['hq', 'laptop', 'nas']);
const SEEDED_PLANS = 15; // 100 ops each: the history GC keeps 100 per (repo, plan, kind)
const SEEDED = SEEDED_PLANS * 100;
const manual = () => create(ScheduleSchema, { schedule: { case: 'disabled', value: true } });
let hq: Instance;
let laptop: Instance;
let nas: Instance;

/** The laptop's history before it starts: enough that its first sync takes a while to cut into. */
function seedLaptop(): void {
  mkdirSync(laptop.ws.dataDir, { recursive: true, mode: 0o700 });
  const oplog = SqliteOpLog.open({ file: dataPaths(laptop.ws.dataDir).oplog });
  const t = Date.now() - SEEDED * 60_000;
  oplog.importBulk([
    Array.from({ length: SEEDED }, (_, i) =>
      backupOp({
        repoId: 'local',
        repoGuid: 'f'.repeat(64),
        planId: `p${Math.floor(i / 100)}`,
        instanceId: 'laptop',
        startMs: t + i * 60_000,
        bytesAdded: 1000,
        bytesScanned: 1e6,
        snapshotId: i.toString(16).padStart(64, '0'),
      }),
    ),
  ]);
  oplog.close();
}

beforeAll(async () => {
  hq = await instance('hq', net.place('hq'));
  laptop = await instance('laptop', net.place('laptop'));
  nas = await instance('nas', net.place('nas'));
  seedLaptop();
  await Promise.all([hq.start(), laptop.start(), nas.start()]);
  mkdirSync(join(laptop.ws.src, 'docs'), { recursive: true });
  writeFileSync(join(laptop.ws.src, 'docs', 'a.txt'), 'alpha\n');
  await laptop.backrest.addRepo({
    repo: create(RepoSchema, { id: 'local', uri: join(laptop.ws.dir, 'repo'), password: REPO_PASSWORD }),
  });
  const cfg = clone(ConfigSchema, await laptop.backrest.getConfig({}));
  cfg.plans = [
    create(PlanSchema, {
      id: 'docs',
      repo: 'local',
      paths: [join(laptop.ws.src, 'docs')],
      schedule: manual(),
    }),
    ...Array.from({ length: SEEDED_PLANS }, (_, i) =>
      create(PlanSchema, { id: `p${i}`, repo: 'local', paths: [laptop.ws.src], schedule: manual() }),
    ),
  ];
  await laptop.backrest.setConfig(cfg);
  // hq shares one repo with the clients that may receive it
  await hq.backrest.addRepo({
    repo: create(RepoSchema, { id: 'vault', uri: join(hq.ws.dir, 'vault'), password: REPO_PASSWORD }),
  });
  const hqCfg = clone(ConfigSchema, await hq.backrest.getConfig({}));
  hqCfg.repos.find((r) => r.id === 'vault')!.shared = true;
  await hq.backrest.setConfig(hqCfg);
}, 120_000);

afterAll(async () => {
  if (process.env.SYNC_DEBUG) for (const i of [hq, laptop, nas]) console.log(`== ${i?.name}\n${i?.output()}`);
  await Promise.all([hq?.kill(), laptop?.kill(), nas?.kill()]);
  await net.teardown();
  for (const i of [hq, laptop, nas]) i?.ws.cleanup();
});

const readOps = [{ type: Perm.PERMISSION_READ_OPERATIONS, scopes: ['*'] }];

async function copiesOnHq(): Promise<Operation[]> {
  return (await hq.backrest.getOperations({ selector: { originalInstanceKeyid: laptop.keyid } })).operations;
}

/** The laptop's own in-scope ops, which the host must hold exactly once each. */
async function laptopOwn(): Promise<Operation[]> {
  return (await laptop.backrest.getOperations({ selector: { instanceId: 'laptop' } })).operations;
}

async function stateOf(i: Instance, keyid: string) {
  for await (const s of i.syncState.getPeerSyncStatesStream({ subscribe: false }))
    if (s.peerKeyid === keyid) return s;
  return undefined;
}

/** Exactly one copy per laptop op on the host (ids and modnos match): nothing lost, nothing doubled. */
async function inStep(what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const [own, copies] = await Promise.all([laptopOwn(), copiesOnHq().catch(() => undefined)]);
      if (!copies || copies.length !== own.length) return undefined;
      const byOriginal = new Map(copies.map((c) => [c.originalId, c]));
      return own.every((o) => byOriginal.get(o.id)?.status === o.status) ? true : undefined;
    },
    90_000,
  );
  const originals = (await copiesOnHq()).map((c) => c.originalId);
  expect(new Set(originals).size).toBe(originals.length);
}

async function logText(i: Instance, ref: string, headers?: Record<string, string>): Promise<string> {
  let s = '';
  for await (const c of i.backrest.getLogs({ ref }, headers ? { headers } : {}))
    s += Buffer.from(c.value).toString();
  return s;
}

describe(`multihost fleet of three restora serve processes, ${net.why}`, () => {
  it('pairs two clients with one token; a cut in the middle of the first sync loses and doubles nothing', async () => {
    const { token } = await hq.backrest.generatePairingToken({
      label: 'fleet',
      ttlSeconds: 3600n,
      maxUses: 2,
      permissions: [{ type: Perm.PERMISSION_RECEIVE_SHARED_REPOS, scopes: [] }],
    });
    const t = parsePairingToken(token);
    const join = async (c: Instance, permissions: { type: Perm; scopes: string[] }[]) => {
      const cfg = clone(ConfigSchema, await c.backrest.getConfig({}));
      cfg.multihost!.knownHosts = [
        create(Multihost_PeerSchema, {
          instanceId: t.instanceId,
          keyid: t.keyid,
          instanceUrl: await net.route(c.name, hq.url),
          initialPairingSecret: t.secret,
          permissions,
        }),
      ];
      await c.backrest.setConfig(cfg);
    };
    await join(laptop, readOps);
    const atCut = await waitFor('the first copies on the host', async () => {
      const n = (await copiesOnHq()).length;
      return n > 0 ? n : undefined;
    });
    await net.cut('laptop');
    expect(atCut).toBeLessThan(SEEDED); // the cut came in the middle of the stream
    const broken = await waitFor('the laptop to notice the cut', async () => {
      const s = await stateOf(laptop, hq.keyid);
      return s && s.state !== ConnectionState.CONNECTED ? s : undefined;
    });
    expect(broken.statusMessage).toMatch(/\w+ \w+/);
    await net.restore('laptop');
    await inStep('every laptop op on the host once');
    expect((await copiesOnHq()).length).toBeGreaterThanOrEqual(SEEDED);

    await join(nas, [...readOps, { type: Perm.PERMISSION_RECEIVE_SHARED_REPOS, scopes: [] }]);
    const hqCfg = await waitFor('both clients authorized', async () => {
      const c = await hq.backrest.getConfig({});
      return c.multihost!.authorizedClients.length === 2 ? c : undefined;
    });
    expect(hqCfg.multihost!.authorizedClients.map((p) => p.instanceId).sort()).toEqual(['laptop', 'nas']);
    expect(hqCfg.multihost!.pairingTokens).toHaveLength(0); // two uses, used up
  }, 180_000);

  it('a shared repo reaches the client that may receive it and is read-only there', async () => {
    const vault = await waitFor('the shared repo on nas', async () =>
      (await nas.backrest.getConfig({})).repos.find((r) => r.id === 'vault'),
    );
    expect(vault.originInstanceId).toBe('hq');
    expect((await laptop.backrest.getConfig({})).repos.map((r) => r.id)).toEqual(['local']); // not granted
    const cfg = clone(ConfigSchema, await nas.backrest.getConfig({}));
    cfg.repos.find((r) => r.id === 'vault')!.uri = '/tmp/elsewhere';
    const edit = await nas.backrest.setConfig(cfg).catch((e: unknown) => e);
    expect(edit).toBeInstanceOf(ConnectError);
    expect((edit as ConnectError).rawMessage).toBe(
      'repo "vault" is shared by instance "hq" and is read-only here; change it on "hq"',
    );
    const add = await nas.backrest
      .addRepo({ repo: create(RepoSchema, { id: 'vault', uri: '/tmp/x', password: 'x' }) })
      .catch((e: unknown) => e);
    expect((add as ConnectError).rawMessage).toMatch(/read-only here/);
    expect((await nas.backrest.getConfig({})).repos.find((r) => r.id === 'vault')!.uri).toBe(vault.uri);
  }, 60_000);

  it('a backup made while the link is cut arrives once; the host reads its log and shows its dashboard', async () => {
    await net.cut('laptop');
    await laptop.backrest.backup({ value: 'docs' });
    const own = await waitFor('the backup to finish on the laptop', async () => {
      const ops = await laptop.backrest.getOperations({ selector: { planId: 'docs' } });
      return ops.operations.find(
        (o) => o.op.case === 'operationBackup' && o.status === OperationStatus.STATUS_SUCCESS,
      );
    });
    await net.restore('laptop');
    await inStep('the backup on the host once');
    const copy = (await copiesOnHq()).find((c) => c.originalId === own.id)!;
    expect(copy.logref).toBe(own.logref);
    const local = await logText(laptop, own.logref);
    expect(local).toMatch(/snapshot \w+ saved|Files:/);
    expect(await logText(hq, copy.logref)).toBe(local);

    const dash = await hq.backrest.getSummaryDashboard(
      {},
      { headers: { 'restora-instance-keyid': laptop.keyid } },
    );
    const docs = dash.planSummaries.find((p) => p.id === 'docs');
    expect(docs?.backupsSuccessLast30days).toBe(1n);
    expect(dash.planSummaries.find((p) => p.id === 'p0')?.backupsSuccessLast30days).toBe(100n);
    const own2 = await hq.backrest.getSummaryDashboard({});
    expect(own2.planSummaries.map((p) => p.id)).not.toContain('docs');
    const unknown = await hq.backrest
      .getSummaryDashboard({}, { headers: { 'restora-instance-keyid': 'ed25519.nobody' } })
      .catch((e: unknown) => e);
    expect((unknown as ConnectError).rawMessage).toBe('no synced client with key id ed25519.nobody');
  }, 120_000);

  it('restart the client, then the host: logs stay readable, history stays in step', async () => {
    const [copy] = (await copiesOnHq()).filter((c) => c.planId === 'docs' && c.logref);
    const text = await logText(hq, copy!.logref);
    await laptop.kill();
    expect(await logText(hq, copy!.logref)).toBe(text); // cached: the laptop is down
    writeFileSync(join(laptop.ws.src, 'docs', 'b.txt'), 'bravo\n');
    await laptop.start();
    await laptop.backrest.backup({ value: 'docs' });
    await inStep('the second backup on the host once');
    await hq.kill();
    await hq.start();
    await waitFor('the laptop to reconnect to the restarted host', async () => {
      const s = await stateOf(hq, laptop.keyid).catch(() => undefined);
      return s?.state === ConnectionState.CONNECTED ? true : undefined;
    });
    await inStep('history in step after the host restart');
    const backups = (await copiesOnHq()).filter(
      (c) => c.planId === 'docs' && c.op.case === 'operationBackup',
    );
    expect(backups).toHaveLength(2);
  }, 180_000);

  it("a peer claiming an authorized client's instance id is refused; revoking nas ends its link", async () => {
    const { token } = await hq.backrest.generatePairingToken({
      label: 'impostor',
      ttlSeconds: 600n,
      maxUses: 1,
      permissions: readOps,
    });
    const impostor = await rawSyncAttempt(hq.url, {
      identity: loadIdentity(generateIdentity()),
      instanceId: 'laptop',
      secret: parsePairingToken(token).secret,
    });
    expect(impostor.result).toMatch(/another client is already authorized as instance "laptop"/);

    const cfg = clone(ConfigSchema, await hq.backrest.getConfig({}));
    cfg.multihost!.authorizedClients = cfg.multihost!.authorizedClients.filter((p) => p.instanceId !== 'nas');
    await hq.backrest.setConfig(cfg);
    const refused = await waitFor('nas to be refused', async () => {
      const s = await stateOf(nas, hq.keyid);
      return s?.state === ConnectionState.ERROR_AUTH ? s : undefined;
    });
    expect(refused.statusMessage).toMatch(/pairing refused/);
    const laptopState = await stateOf(hq, laptop.keyid);
    expect(laptopState?.state).toBe(ConnectionState.CONNECTED);
  }, 60_000);
});
