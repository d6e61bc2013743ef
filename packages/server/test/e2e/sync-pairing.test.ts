// Multihost between two `restora serve` processes on loopback (each its own data dir): pair with a token, back up
// on the client with real restic, see the operation on the host; cut the link and resume without doubles; and the
// refusals (expired token, wrong key, replayed handshake, spoofed key id).
import { clone, create } from '@bufbuild/protobuf';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigSchema,
  ConnectionState,
  Hook_Condition,
  HookSchema,
  isUnfinished,
  Multihost_Permission_Type as Perm,
  Multihost_PeerSchema,
  Multihost_PermissionSchema,
  OperationStatus,
  PlanSchema,
  RepoSchema,
  ScheduleSchema,
} from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePairingToken } from '../../src/sync/pairing.js';
import { loadIdentity } from '../../src/sync/identity.js';
import { REPO_PASSWORD, waitFor } from './api-helpers.js';
import { generateIdentity, instance, rawSyncAttempt, type Instance } from './sync-helpers.js';

let host: Instance;
let client: Instance;

beforeAll(async () => {
  [host, client] = await Promise.all([instance('host-a'), instance('client-b')]);
  await Promise.all([host.start(), client.start()]);
}, 60_000);

afterAll(async () => {
  if (process.env.SYNC_DEBUG) console.log('HOST\n' + host?.output() + '\nCLIENT\n' + client?.output());
  await Promise.all([host?.kill(), client?.kill()]);
  host?.ws.cleanup();
  client?.ws.cleanup();
});

const allOps = [{ type: Perm.PERMISSION_READ_OPERATIONS, scopes: ['*'] }];

async function remoteBackups(): Promise<bigint[]> {
  const ops = await host.backrest.getOperations({ selector: { originalInstanceKeyid: client.keyid } });
  return ops.operations
    .filter((o) => o.op.case === 'operationBackup' && o.status === OperationStatus.STATUS_SUCCESS)
    .map((o) => o.originalId);
}

describe('multihost sync between two restora serve processes', () => {
  it('pairs with a one-use token and clears the one-time secret on both sides', async () => {
    const { token } = await host.backrest.generatePairingToken({
      label: 'laptop',
      ttlSeconds: 3600n,
      maxUses: 1,
      permissions: allOps,
    });
    const parsed = parsePairingToken(token);
    expect(parsed.keyid).toBe(host.keyid);
    expect(parsed.instanceId).toBe('host-a');

    mkdirSync(join(client.ws.src, 'docs'), { recursive: true });
    writeFileSync(join(client.ws.src, 'docs', 'a.txt'), 'alpha\n');
    const repo = create(RepoSchema, {
      id: 'local',
      uri: join(client.ws.dir, 'repo'),
      password: REPO_PASSWORD,
    });
    await client.backrest.addRepo({ repo });
    const cfg = clone(ConfigSchema, await client.backrest.getConfig({}));
    const manual = create(ScheduleSchema, { schedule: { case: 'disabled', value: true } });
    cfg.plans = [
      create(PlanSchema, {
        id: 'docs',
        repo: 'local',
        paths: [join(client.ws.src, 'docs')],
        schedule: manual,
      }),
    ];
    cfg.multihost!.knownHosts = [
      create(Multihost_PeerSchema, {
        instanceId: parsed.instanceId,
        keyid: parsed.keyid,
        instanceUrl: host.url,
        initialPairingSecret: parsed.secret,
        permissions: allOps,
      }),
    ];
    await client.backrest.setConfig(cfg);

    const hostCfg = await waitFor('the host to authorize the client', async () => {
      const c = await host.backrest.getConfig({});
      return c.multihost?.authorizedClients.length ? c : undefined;
    });
    expect(hostCfg.multihost!.authorizedClients[0]).toMatchObject({
      instanceId: 'client-b',
      keyid: client.keyid,
    });
    expect(hostCfg.multihost!.pairingTokens).toHaveLength(0); // one use, used up
    await waitFor('the client to clear its pairing secret', async () => {
      const c = await client.backrest.getConfig({});
      return c.multihost?.knownHosts[0]?.initialPairingSecret === '' ? true : undefined;
    });
    const states = [];
    for await (const s of host.syncState.getPeerSyncStatesStream({ subscribe: false })) states.push(s);
    expect(states).toEqual([
      expect.objectContaining({ peerKeyid: client.keyid, state: ConnectionState.CONNECTED }),
    ]);
  }, 60_000);

  it("a backup on the client shows on the host under the client's key id", async () => {
    await client.backrest.backup({ value: 'docs' });
    const ids = await waitFor('the backup op on the host', async () => {
      const got = await remoteBackups();
      return got.length === 1 ? got : undefined;
    });
    const mine = await client.backrest.getOperations({ selector: { planId: 'docs' } });
    const backup = mine.operations.find((o) => o.op.case === 'operationBackup')!;
    expect(ids).toEqual([backup.id]);
    const copy = (
      await host.backrest.getOperations({ selector: { originalInstanceKeyid: client.keyid } })
    ).operations.find((o) => o.originalId === backup.id)!;
    expect(copy).toMatchObject({
      instanceId: 'client-b',
      originalFlowId: backup.flowId,
      snapshotId: backup.snapshotId,
    });
  }, 120_000);

  it('resumes after the host dies: what happened meanwhile arrives once, nothing is doubled', async () => {
    await host.kill();
    writeFileSync(join(client.ws.src, 'docs', 'b.txt'), 'bravo\n');
    await client.backrest.backup({ value: 'docs' });
    const down = [];
    for await (const s of client.syncState.getPeerSyncStatesStream({ subscribe: false })) down.push(s);
    expect(down[0]?.state).not.toBe(ConnectionState.CONNECTED);
    expect(down[0]?.statusMessage).toMatch(/\w+/);
    await host.start();
    const ids = await waitFor(
      'both backups on the host',
      async () => {
        const got = await remoteBackups();
        return got.length >= 2 ? got : undefined;
      },
      60_000,
    );
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    const all = await host.backrest.getOperations({ selector: { originalInstanceKeyid: client.keyid } });
    const originals = all.operations.map((o) => o.originalId);
    expect(new Set(originals).size).toBe(originals.length);
  }, 120_000);

  it('refuses an expired token, a wrong key, a replayed handshake and a spoofed key id', async () => {
    const { token } = await host.backrest.generatePairingToken({
      label: 'short',
      ttlSeconds: 1n,
      maxUses: 5,
      permissions: allOps,
    });
    const secret = parsePairingToken(token).secret;
    await new Promise((r) => setTimeout(r, 2100));
    const stranger = loadIdentity(generateIdentity());
    const expired = await rawSyncAttempt(host.url, { identity: stranger, instanceId: 'stranger', secret });
    expect(expired.result).toMatch(/expired/);

    // signed by a key other than the one it presents
    const other = loadIdentity(generateIdentity());
    const wrongKey = await rawSyncAttempt(host.url, {
      identity: { ...stranger, sign: (m) => other.sign(m) },
      instanceId: 'stranger',
    });
    expect(wrongKey.result).toMatch(/signature does not verify|permission/i);

    // the authorized client's key id with another key
    const spoofed = await rawSyncAttempt(host.url, {
      identity: stranger,
      instanceId: 'client-b',
      claimKeyid: client.keyid,
    });
    expect(spoofed.result).toMatch(/does not match the key/);

    // a valid handshake of one connection replayed on another: its signature binds the first transcript
    const first = await rawSyncAttempt(host.url, { identity: stranger, instanceId: 'stranger' });
    expect(first.result).toMatch(/pairing refused/);
    const replay = await rawSyncAttempt(host.url, {
      identity: stranger,
      instanceId: 'stranger',
      replay: first.handshake!,
    });
    expect(replay.result).toMatch(/signature does not verify/);

    const cfg = await host.backrest.getConfig({});
    expect(cfg.multihost!.authorizedClients.map((p) => p.instanceId)).toEqual(['client-b']);
  }, 60_000);

  it('SetRemoteClientConfig is applied only within the READ_WRITE_CONFIG scope the client granted', async () => {
    const pushed = create(PlanSchema, {
      id: 'pushed',
      repo: 'local',
      paths: [client.ws.src],
      schedule: create(ScheduleSchema, { schedule: { case: 'disabled', value: true } }),
    });
    // the client granted READ_OPERATIONS only, and says so (PeerGrants): the host refuses the push with the reason
    // instead of sending what the client would refuse by ending the link (the client's own check: host-config.test)
    await host.backrest.getConfig({}); // host is up
    await waitFor("the client's grant on the host", async () => {
      for await (const s of host.syncState.getPeerSyncStatesStream({ subscribe: false }))
        if (s.state === ConnectionState.CONNECTED && s.remoteConfig?.restoraGrants) return true;
      return undefined;
    });
    await expect(
      host.syncState.setRemoteClientConfig({ peerKeyid: client.keyid, plans: [pushed] }),
    ).rejects.toThrow(/client client-b may not change plan pushed \(READ_WRITE_CONFIG not granted on it\)/);
    expect((await client.backrest.getConfig({})).plans.map((p) => p.id)).toEqual(['docs']);
    for await (const s of client.syncState.getPeerSyncStatesStream({ subscribe: false }))
      expect(s.state).toBe(ConnectionState.CONNECTED);

    // grant READ_WRITE_CONFIG for plan:pushed only; the host then sees that plan (read-only view) and may write it
    const cfg = clone(ConfigSchema, await client.backrest.getConfig({}));
    cfg.multihost!.knownHosts[0]!.permissions = [
      ...allOps,
      { type: Perm.PERMISSION_READ_WRITE_CONFIG, scopes: ['plan:pushed'] },
    ].map((p) => create(Multihost_PermissionSchema, p));
    await client.backrest.setConfig(cfg);
    await waitFor('the host to see the new grant', async () => {
      for await (const s of host.syncState.getPeerSyncStatesStream({ subscribe: false }))
        if (
          s.state === ConnectionState.CONNECTED &&
          s.remoteConfig?.restoraGrants?.permissions.some((p) => p.type === Perm.PERMISSION_READ_WRITE_CONFIG)
        )
          return true;
      return undefined;
    });
    await host.syncState.setRemoteClientConfig({ peerKeyid: client.keyid, plans: [pushed] });
    await waitFor('the pushed plan on the client', async () => {
      const c = await client.backrest.getConfig({});
      return c.plans.some((p) => p.id === 'pushed') ? true : undefined;
    });
    await waitFor('the host view of the pushed plan', async () => {
      for await (const s of host.syncState.getPeerSyncStatesStream({ subscribe: false }))
        if (s.remoteConfig?.plans.map((p) => p.id).join() === 'pushed') return true;
      return undefined;
    });
  }, 60_000);

  it("a running op's log is live on the host: it grows while the op runs and the stream ends when it finishes", async () => {
    // a backup whose start hook prints a line every 0.7 s: the hook op runs ~4 s, long enough to watch it grow
    const cfg = clone(ConfigSchema, await client.backrest.getConfig({}));
    const ticks = 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.7; done';
    cfg.plans.find((p) => p.id === 'docs')!.hooks = [
      create(HookSchema, {
        conditions: [Hook_Condition.SNAPSHOT_START],
        action: { case: 'actionCommand', value: { command: ticks } },
      }),
    ];
    await client.backrest.setConfig(cfg);
    // Backup answers when the backup is done: not awaited here, so the log is read while it runs
    const backupDone = client.backrest.backup({ value: 'docs' });
    const hook = await waitFor('the running hook op on the host', async () => {
      const ops = await host.backrest.getOperations({ selector: { originalInstanceKeyid: client.keyid } });
      return ops.operations.find(
        (o) => o.op.case === 'operationRunHook' && o.status === OperationStatus.STATUS_INPROGRESS && o.logref,
      );
    });
    const seen: string[] = [];
    for await (const chunk of host.backrest.getLogs({ ref: hook.logref }))
      seen.push(Buffer.from(chunk.value).toString());
    const whole = seen.join('');
    expect(whole).toBe([1, 2, 3, 4, 5, 6].map((i) => `tick ${i}\n`).join(''));
    // it arrived in pieces: the first answer had only the lines printed so far
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[0]).not.toContain('tick 6');
    const done = await host.backrest.getOperations({ selector: { ids: [hook.id] } });
    expect(done.operations[0]?.status).toBe(OperationStatus.STATUS_SUCCESS);
    await backupDone;
    // the backup's follow-ups (index, forget) finish too before the next test revokes the client: GC keeps an
    // unfinished copy
    await waitFor('every copy on the host to finish', async () => {
      const ops = await host.backrest.getOperations({ selector: { originalInstanceKeyid: client.keyid } });
      return ops.operations.every((o) => !isUnfinished(o.status)) ? true : undefined;
    });
  }, 90_000);

  it("browses a client's snapshot from the host only where the client granted READ_CONFIG on the repo", async () => {
    const keyHeader = { headers: { 'restora-instance-keyid': client.keyid } };
    const backup = (await client.backrest.getOperations({ selector: { planId: 'docs' } })).operations.find(
      (o) => o.op.case === 'operationBackup' && o.snapshotId,
    )!;
    const docs = join(client.ws.src, 'docs');
    const ask = (path: string) =>
      host.backrest.listSnapshotFiles({ repoId: 'local', snapshotId: backup.snapshotId, path }, keyHeader);
    // the client granted READ_OPERATIONS and READ_WRITE_CONFIG on plan:pushed only: no repo config, no listing
    await expect(ask(docs)).rejects.toThrow(/did not grant this host READ_CONFIG on repo "local"/);

    const cfg = clone(ConfigSchema, await client.backrest.getConfig({}));
    cfg.multihost!.knownHosts[0]!.permissions.push(
      create(Multihost_PermissionSchema, { type: Perm.PERMISSION_READ_CONFIG, scopes: ['repo:local'] }),
    );
    await client.backrest.setConfig(cfg);
    await waitFor('the host to see the grant', async () => {
      for await (const s of host.syncState.getPeerSyncStatesStream({ subscribe: false }))
        if (s.remoteConfig?.restoraGrants?.permissions.some((p) => p.type === Perm.PERMISSION_READ_CONFIG))
          return true;
      return undefined;
    });
    let headers: Headers | undefined;
    const listed = await host.backrest.listSnapshotFiles(
      { repoId: 'local', snapshotId: backup.snapshotId, path: `${docs}/../docs/./` },
      { ...keyHeader, onHeader: (h) => (headers = h) },
    );
    expect(listed.path).toBe(docs); // normalised before it is sent
    expect(listed.entries.map((e) => e.name).sort()).toEqual(['a.txt', 'docs']);
    expect(headers?.get('restora-entries-total')).toBe('2');
    expect(headers?.get('restora-entries-limit')).toBe('5000');
    // `..` never climbs out of the snapshot: it lists the snapshot's own root
    const root = await ask('/../../..');
    expect(root.path).toBe('/');
    // a snapshot the client does not have: its error, named
    await expect(
      host.backrest.listSnapshotFiles({ repoId: 'local', snapshotId: 'deadbeef', path: '/' }, keyHeader),
    ).rejects.toThrow(/client "client-b" says: .*deadbeef/);
  }, 90_000);

  it('revoking the client ends its link; GC then deletes its operations on the host', async () => {
    const cfg = clone(ConfigSchema, await host.backrest.getConfig({}));
    cfg.multihost!.authorizedClients = [];
    await host.backrest.setConfig(cfg);
    const refused = await waitFor('the client to be refused', async () => {
      for await (const s of client.syncState.getPeerSyncStatesStream({ subscribe: false }))
        if (s.state === ConnectionState.ERROR_AUTH && /pairing refused/.test(s.statusMessage)) return s;
      return undefined;
    });
    expect(refused.statusMessage).toMatch(/no pairing secret/);
    expect((await remoteBackups()).length).toBe(3); // kept until GC
    await host.kill();
    await host.start(); // GC runs shortly after start
    await waitFor("GC to delete the revoked client's operations", async () => {
      const ops = await host.backrest.getOperations({ selector: { originalInstanceKeyid: client.keyid } });
      return ops.operations.length === 0 ? true : undefined;
    });
  }, 60_000);
});
