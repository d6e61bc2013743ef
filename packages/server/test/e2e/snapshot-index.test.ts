// The snapshot index with real restic: indexed after a backup, folders equal to bare `restic ls`, search, diff,
// forget, prune, SIGKILL while indexing, a damaged file, a removed repo.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { clone } from '@bufbuild/protobuf';
import { createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  ConfigSchema,
  DoRepoTaskRequest_Task,
  IndexChangeKind,
  OperationStatus,
  SnapshotIndex,
  type Repo,
} from '@restora/proto';
import { Restic } from '@restora/restic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/app.js';
import { indexFileOf } from '../../src/snapshot-index/indexer.js';
import { RepoIndex } from '../../src/snapshot-index/repo-index.js';
import {
  addLocalRepoAndPlan,
  basicHeader,
  clients,
  REPO_PASSWORD,
  RESTIC,
  serve,
  waitFor,
  workspace,
  writeUserConfig,
  type Clients,
  type Workspace,
} from './api-helpers.js';
import { spawnFixture } from './fixture-process.js';

let ws: Workspace;
let server: RunningServer;
let rpc: Clients;
let index: Client<typeof SnapshotIndex>;
let repoDir: string;
let bare: Restic;
const run = promisify(execFile);

async function start() {
  server = await serve(ws);
  rpc = clients(server.url, { binary: true, authorization: basicHeader() });
  const transport = createConnectTransport({
    baseUrl: server.url,
    httpVersion: '1.1',
    interceptors: [
      (next) => (req) => {
        req.header.set('Authorization', basicHeader());
        return next(req);
      },
    ],
  });
  index = createClient(SnapshotIndex, transport);
}

const indexed = (n: number) =>
  waitFor(`${n} indexed snapshots`, async () => {
    const [s] = (await index.status({ repoId: 'local' })).repos;
    return s && s.indexedSnapshots === n && s.pendingSnapshots === 0 ? s : undefined;
  });

/** The snapshot index's ops, newest first. */
const indexOps = async () =>
  (await rpc.backrest.getOperations({ selector: {} })).operations
    .filter((o) => o.zerobyteTask.includes('"snapshot_index"'))
    .reverse();

const snapshotIds = async () =>
  (await rpc.backrest.listSnapshots({ repoId: 'local' })).snapshots.map((s) => s.id);

/** What ListSnapshotFiles answers next to what bare `restic ls` prints, for one folder. */
async function sideBySide(snapshotId: string, dir: string) {
  const got = await rpc.backrest.listSnapshotFiles({ repoId: 'local', snapshotId, path: dir });
  const want = [];
  for await (const n of bare.ls(snapshotId, { path: dir })) want.push(n);
  const pick = (e: { path: string; type: string; size?: number | bigint; mtime?: string }) =>
    `${e.type} ${e.path} ${e.type === 'dir' ? '' : Number(e.size ?? 0)} ${e.mtime ?? ''}`;
  return { got: got.entries.map(pick), want: want.map(pick) };
}

beforeAll(async () => {
  ws = workspace('index');
  repoDir = join(ws.dir, 'repo');
  for (const d of ['docs', 'pics', 'deep/x/y', 'empty']) mkdirSync(join(ws.src, d), { recursive: true });
  writeFileSync(join(ws.src, 'docs', 'a.txt'), 'alpha\n');
  writeFileSync(join(ws.src, 'docs', 'b.txt'), 'bravo\n');
  writeFileSync(join(ws.src, 'pics', 'p1.jpg'), 'jpeg');
  writeFileSync(join(ws.src, 'deep', 'x', 'y', 'z.txt'), 'zulu');
  await writeUserConfig(ws);
  await start();
  bare = new Restic({ binaryPath: RESTIC, repository: repoDir, password: REPO_PASSWORD });
  await addLocalRepoAndPlan(rpc, ws, { case: 'disabled', value: true });
});

afterAll(async () => {
  await server?.close();
  ws?.cleanup();
});

describe('snapshot index with real restic', () => {
  it('indexes the snapshot a backup made; every folder answers as bare restic ls does', async () => {
    await rpc.backrest.backup({ value: 'home' });
    await indexed(1);
    const [id] = await snapshotIds();
    for (const dir of ['/', ws.src, join(ws.src, 'docs'), join(ws.src, 'deep/x/y'), join(ws.src, 'empty')]) {
      const { got, want } = await sideBySide(id!, dir);
      expect(got, dir).toEqual(want);
      expect(got.length, dir).toBeGreaterThan(0);
    }
    expect((await sideBySide(id!, join(ws.src, 'docs/a.txt'))).got).toHaveLength(1);
    expect((await sideBySide(id!, join(ws.src, 'nope'))).got).toEqual([]);
    // indexing was an op of the one lifecycle: a run-command op for Backrest clients, its own kind for Zerobyte
    const [op] = await indexOps();
    expect(op?.status).toBe(OperationStatus.STATUS_SUCCESS);
    expect(op?.op.value).toMatchObject({ command: `restic ls --json --no-lock ${id}` });
    expect(JSON.parse(op!.zerobyteTask)).toMatchObject({
      kind: 'snapshot_index',
      resourceType: 'repository',
      input: { snapshotId: id },
      result: { snapshotId: id, files: 4, folders: expect.any(Number) },
    });
  });

  it('searches versions across snapshots and diffs two of them', async () => {
    writeFileSync(join(ws.src, 'docs', 'a.txt'), 'alpha, longer now\n');
    writeFileSync(join(ws.src, 'docs', 'c.txt'), 'charlie\n');
    rmSync(join(ws.src, 'pics', 'p1.jpg'));
    await rpc.backrest.backup({ value: 'home' });
    await indexed(2);
    const [s1, s2] = await snapshotIds();
    const found = await index.search({ repoId: 'local', planId: 'home', pattern: '*.txt' });
    expect(found.searchedSnapshots).toBe(2);
    const rows = found.hits.map(
      (h) => `${h.entry!.path.slice(ws.src.length)} ${h.entry!.size} ${h.snapshotIds.join(',')}`,
    );
    expect(rows.sort()).toEqual(
      [
        `/deep/x/y/z.txt 4 ${s1},${s2}`,
        `/docs/a.txt 18 ${s2}`,
        `/docs/a.txt 6 ${s1}`,
        `/docs/b.txt 6 ${s1},${s2}`,
        `/docs/c.txt 8 ${s2}`,
      ].sort(),
    );
    const plain = await index.search({ repoId: 'local', pattern: 'P1', ignoreCase: true });
    expect(plain.hits.map((h) => h.snapshotIds)).toEqual([[s1]]);
    const d = await index.diff({ repoId: 'local', fromSnapshotId: s1!, toSnapshotId: s2!.slice(0, 8) });
    const kinds = d.entries.map((e) => `${IndexChangeKind[e.kind]} ${e.entry!.path.slice(ws.src.length)}`);
    expect(kinds).toEqual(['CHANGED /docs/a.txt', 'ADDED /docs/c.txt', 'REMOVED /pics/p1.jpg']);
    expect(d.total).toBe(3);
    const page = await index.diff({
      repoId: 'local',
      fromSnapshotId: s1!,
      toSnapshotId: s2!,
      offset: 1,
      limit: 1,
    });
    expect([page.entries.length, page.hasMore]).toEqual([1, true]);
    await expect(index.search({ repoId: 'local', pattern: 'x', limit: 5000 })).rejects.toThrow(
      /limit must be at most 1000/,
    );
  });

  it('forget removes a snapshot from the index; prune leaves the rest answering', async () => {
    const [s1, s2] = await snapshotIds();
    await rpc.backrest.forget({ repoId: 'local', planId: 'home', snapshotId: s1! });
    await indexed(1);
    const found = await index.search({ repoId: 'local', pattern: 'a.txt' });
    expect(found.hits.map((h) => h.snapshotIds)).toEqual([[s2]]);
    await rpc.backrest.doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.PRUNE });
    const { got, want } = await sideBySide(s2!, join(ws.src, 'docs'));
    expect(got).toEqual(want);
    expect((await indexed(1)).sizeBytes).toBeGreaterThan(0n);
  });

  it('after a SIGKILL of the server half way through indexing, the file is consistent and the snapshot is indexed again', async () => {
    const [s2] = await snapshotIds();
    const config = clone(ConfigSchema, await rpc.backrest.getConfig({}));
    const repo = config.repos[0] as Repo;
    const file = indexFileOf(join(ws.dataDir, 'snapshot-index'), repo);
    // restic reads the repository at 1 KiB/s, none of it from its cache: the indexing op runs long enough to be killed
    repo.flags = ['--limit-download=1', '--no-cache'];
    await rpc.backrest.setConfig(config);
    await server.close();
    for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true });
    const child = spawnFixture(join(__dirname, 'fixtures', 'index-kill-child.ts'), [
      ws.configFile,
      ws.dataDir,
    ]);
    try {
      const url = await waitFor('the server', async () => /url (\S+)/.exec(child.out())?.[1], 30_000);
      const killed = clients(url, { binary: true, authorization: basicHeader() });
      await waitFor('indexing under way', async () => {
        const ops = (await killed.backrest.getOperations({ selector: {} })).operations;
        return ops.find(
          (o) =>
            o.zerobyteTask.includes('"snapshot_index"') && o.status === OperationStatus.STATUS_INPROGRESS,
        );
      });
    } finally {
      child.killGroup();
      await child.exited;
    }
    const after = RepoIndex.open(file);
    expect([after.rebuilt, after.snapshots()]).toEqual([false, []]);
    after.close();
    const onDisk = JSON.parse(readFileSync(ws.configFile, 'utf8')) as { repos: { flags?: string[] }[] };
    delete onDisk.repos[0]!.flags;
    writeFileSync(ws.configFile, JSON.stringify(onDisk));
    await start();
    await indexed(1);
    const { got, want } = await sideBySide(s2!, join(ws.src, 'deep/x'));
    expect(got).toEqual(want);
    // the killed op is recorded as interrupted, not left running
    expect((await indexOps()).filter((o) => o.status === OperationStatus.STATUS_INPROGRESS)).toEqual([]);
  });

  it('a damaged index file is rebuilt and never answers wrong', async () => {
    const [s2] = await snapshotIds();
    const repo = (await rpc.backrest.getConfig({})).repos[0] as Repo;
    await server.close();
    const file = indexFileOf(join(ws.dataDir, 'snapshot-index'), repo);
    rmSync(`${file}-wal`, { force: true });
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    await start();
    const { got, want } = await sideBySide(s2!, join(ws.src, 'docs'));
    expect(got).toEqual(want);
    await indexed(1);
  });

  it('a failed indexing is an op in ERROR with a message; the next click has it run again', async () => {
    await server.close();
    await run(RESTIC, ['backup', '--quiet', ws.src], {
      env: { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: REPO_PASSWORD },
    });
    renameSync(join(repoDir, 'index'), join(ws.dir, 'hidden-index')); // snapshots list, trees do not load
    await start();
    await rpc.backrest.doRepoTask({ repoId: 'local', task: DoRepoTaskRequest_Task.INDEX_SNAPSHOTS });
    const s3 = (await snapshotIds()).at(-1)!;
    const failed = await waitFor('a failed indexing op', async () =>
      (await indexOps()).find(
        (o) => o.status === OperationStatus.STATUS_ERROR && o.zerobyteTask.includes(s3),
      ),
    );
    expect(failed.displayMessage).not.toBe('');
    expect(failed.displayMessage).not.toMatch(/\n\s+at /); // restic's error, not a stack trace
    expect((await index.status({ repoId: 'local' })).repos[0]).toMatchObject({
      indexedSnapshots: 1,
      pendingSnapshots: 1,
    });
    renameSync(join(ws.dir, 'hidden-index'), join(repoDir, 'index'));
    // a click on the pending snapshot is answered by restic and asks for its indexing again
    const { got, want } = await sideBySide(s3, join(ws.src, 'docs'));
    expect(got).toEqual(want);
    await indexed(2);
  });

  it('a repository removed from the config loses its index', async () => {
    const config = clone(ConfigSchema, await rpc.backrest.getConfig({}));
    const repo = config.repos[0] as Repo;
    const file = indexFileOf(join(ws.dataDir, 'snapshot-index'), repo);
    expect(existsSync(file)).toBe(true);
    config.plans = [];
    await rpc.backrest.setConfig(config);
    await rpc.backrest.removeRepo({ repoId: 'local' });
    expect(existsSync(file)).toBe(false);
  });
});
