// Snapshot index benchmark: a real restic repository holding an N-file snapshot (default 100k, BENCH_INDEX_FILES
// for a quick run), then, side by side: a folder through ListSnapshotFiles (served from the index) vs bare
// `restic ls <snap> <dir>`; indexing vs one full `restic ls`; index bytes per file; and over a 30-day series of the
// same tree changing 1 % a day (synthetic ls streams into one index): bytes vs one snapshot, search, diff.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { create } from '@bufbuild/protobuf';
import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { Backrest, DoRepoTaskRequest_Task, RepoSchema, SnapshotIndex } from '@restora/proto';
import { Restic } from '@restora/restic';
import { shortIdOf } from '../src/services/zerobyte/ids.js';
import { RepoIndex } from '../src/snapshot-index/repo-index.js';
import { changeFiles, lsNodes, treeFiles, writeTree } from './index-tree.js';
import { fmt, percentile } from './stats.js';

const N = Number(process.env.BENCH_INDEX_FILES ?? 100_000);
const DAYS = Number(process.env.BENCH_INDEX_DAYS ?? 30);
const RESTIC = process.env.RESTIC ?? 'restic';
const PASSWORD = 'bench-index';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-bench-index-'));
const src = path.join(dir, 'src');
const repoDir = path.join(dir, 'repo');
const env = { ...process.env, RESTIC_PASSWORD: PASSWORD, RESTIC_REPOSITORY: repoDir };
const run = promisify(execFile);

const now = () => performance.now();
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = now();
  const r = await fn();
  return [r, now() - t0];
}
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** Bare `restic ls --json` of a snapshot (or one folder), output read and dropped: what a click costs today. */
function bareLs(snap: string, folder?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(RESTIC, ['ls', '--json', '--no-lock', snap, ...(folder ? [folder] : [])], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.resume();
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(now() - t0) : reject(new Error(`restic ls exit ${code}`)),
    );
  });
}

/** The server in a child process (bench/index-server.ts), as a user runs it. */
async function startServerProcess(configFile: string, dataDir: string) {
  const child = spawn(
    process.execPath,
    [...process.execArgv, path.join(import.meta.dirname, 'index-server.ts'), configFile, dataDir, RESTIC],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main(): Promise<void> {
  console.log(`snapshot index bench: ${N.toLocaleString()} files, ${DAYS} days, in ${dir}`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at start`);
  const files = treeFiles(N);
  const [, writeMs] = await timed(async () => writeTree(src, files));
  await run(RESTIC, ['init'], { env });
  const [, backupMs] = await timed(() => run(RESTIC, ['backup', '--quiet', src], { env }));
  const snaps = JSON.parse((await run(RESTIC, ['snapshots', '--json'], { env })).stdout) as { id: string }[];
  const snap = snaps[0]!.id;
  const folders = [...new Set(files.map((f) => path.join(src, f.dir)))];
  console.log(
    `tree written in ${fmt(writeMs)}, restic backup ${fmt(backupMs)}; ${folders.length} leaf folders`,
  );

  // 1. indexing vs one full restic ls (both stream the whole snapshot once)
  const fullLs = await bareLs(snap);
  const one = RepoIndex.open(path.join(dir, 'one.sqlite'));
  const restic = new Restic({ binaryPath: RESTIC, repository: repoDir, password: PASSWORD });
  let time = '';
  const cpu0 = process.cpuUsage();
  const [counts, indexMs] = await timed(() =>
    one.add(
      {
        id: snap,
        get time() {
          return time;
        },
      },
      restic.ls(snap, { onSnapshot: (s) => (time = s.time) }),
      Date.now(),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  const oneBytes = one.sizeBytes();
  console.log(
    `indexing: ${fmt(indexMs)} vs full restic ls ${fmt(fullLs)} (${(indexMs / fullLs).toFixed(2)}x); ` +
      `node CPU ${fmt((cpu.user + cpu.system) / 1000)} beside restic's own; ` +
      `${counts.files.toLocaleString()} files, ${counts.dirs.toLocaleString()} folders; ` +
      `index ${mb(oneBytes)} = ${(oneBytes / counts.files).toFixed(0)} bytes per file`,
  );
  one.close();

  // 2. a folder at the API (Connect ListSnapshotFiles, served from the index) vs bare restic ls of that folder
  const cfgDir = path.join(dir, 'server');
  fs.mkdirSync(cfgDir, { recursive: true });
  const configFile = path.join(cfgDir, 'config.json');
  fs.writeFileSync(configFile, JSON.stringify({ version: 6, instance: 'bench', auth: { disabled: true } }));
  const server = await startServerProcess(configFile, path.join(cfgDir, 'data'));
  try {
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: '1.1' });
    const backrest = createClient(Backrest, transport);
    const index = createClient(SnapshotIndex, transport);
    await backrest.addRepo({ repo: create(RepoSchema, { id: 'bench', uri: repoDir, password: PASSWORD }) });
    // first clicks before the index exists, served by restic as today: alternating with bare restic ls of the
    // same folder while nothing indexes, then while the snapshot is being indexed in the background
    const first = folders[0]!;
    const coldFolders = [0, 1, 2].map((k) => folders[Math.floor((k * folders.length) / 3)]!);
    const click = (f: string) =>
      timed(() => backrest.listSnapshotFiles({ repoId: 'bench', snapshotId: snap, path: f }));
    const idle: number[] = [];
    const bareCold: number[] = [];
    for (const [k, f] of coldFolders.entries()) {
      if (k % 2) bareCold.push(await bareLs(snap, f));
      idle.push((await click(f))[1]);
      if (!(k % 2)) bareCold.push(await bareLs(snap, f));
    }
    await backrest.doRepoTask({ repoId: 'bench', task: DoRepoTaskRequest_Task.INDEX_SNAPSHOTS });
    const during: number[] = [];
    for (const f of coldFolders) during.push((await click(f))[1]);
    const servedByRestic = (await index.status({ repoId: 'bench' })).repos[0]?.indexedSnapshots === 0;
    for (;;) {
      const [s] = (await index.status({ repoId: 'bench' })).repos;
      if (s && s.indexedSnapshots === 1 && s.pendingSnapshots === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const f of coldFolders) bareCold.push(await bareLs(snap, f));
    const bareMedian = percentile(bareCold, 50);
    const coldLine =
      `first click before indexing (restic fallback, median of ${coldFolders.length} folders): ` +
      `nothing indexing ${fmt(percentile(idle, 50))} (${(percentile(idle, 50) / bareMedian).toFixed(2)}x), ` +
      `while indexing in the background ${fmt(percentile(during, 50))} ` +
      `(${(percentile(during, 50) / bareMedian).toFixed(2)}x${servedByRestic ? '' : ', index finished meanwhile'}) ` +
      `vs bare restic ls ${fmt(bareMedian)} (median of ${bareCold.length}, before and after)`;
    const sampleFolders = [
      src,
      path.dirname(path.dirname(first)),
      ...folders.filter((_, i) => i % Math.max(1, Math.floor(folders.length / 500)) === 0),
    ];
    const api: number[] = [];
    for (const f of sampleFolders) {
      // Connect JSON over fetch, as the web UI sends it
      const [r, ms] = await timed(() =>
        fetch(`${server.url}/v1.Backrest/ListSnapshotFiles`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ repoId: 'bench', snapshotId: snap, path: f }),
        }).then((res) => res.json() as Promise<{ entries?: unknown[] }>),
      );
      if (!r.entries?.length) throw new Error(`empty folder ${f}`);
      api.push(ms);
    }
    // the same folders through the Zerobyte files route (REST, snapshot list cached per repo, paged from the index)
    const rest: number[] = [];
    const files = `${server.url}/api/v1/repositories/${shortIdOf('repo', 'bench')}/snapshots/${snap}/files`;
    for (const f of sampleFolders) {
      const [res, ms] = await timed(() =>
        fetch(`${files}?path=${encodeURIComponent(f)}`).then((r) => r.json()),
      );
      if (!(res as { files?: unknown[] }).files?.length) throw new Error(`REST: empty folder ${f}`);
      rest.push(ms);
    }
    console.log(
      `folder at the Zerobyte files route (${rest.length} folders): p50 ${fmt(percentile(rest, 50))}, ` +
        `p99 ${fmt(percentile(rest, 99))}`,
    );
    // the same folders in-process (the service call alone, no HTTP): what the index costs without the transport
    const inProc: number[] = [];
    const idx = RepoIndex.open(
      path.join(
        cfgDir,
        'data',
        'snapshot-index',
        fs.readdirSync(path.join(cfgDir, 'data', 'snapshot-index')).find((f) => f.endsWith('.sqlite'))!,
      ),
    );
    const seq = idx.find(snap)!.seq;
    for (const f of sampleFolders) {
      const t0 = now();
      idx.list(seq, f);
      inProc.push(now() - t0);
    }
    idx.close();
    console.log(
      `folder in-process (index read alone): p50 ${fmt(percentile(inProc, 50))}, p99 ${fmt(percentile(inProc, 99))}`,
    );
    const bare: number[] = [];
    for (const f of sampleFolders.slice(0, 8)) bare.push(await bareLs(snap, f));
    const p50 = percentile(api, 50);
    console.log(
      `folder at the API (ListSnapshotFiles, Connect JSON as the web UI sends it, ${api.length} folders): p50 ${fmt(p50)}, p99 ${fmt(percentile(api, 99))}, ` +
        `bare restic ls of a folder: median ${fmt(percentile(bare, 50))} (${bare.length} folders) -> ` +
        `${(percentile(bare, 50) / p50).toFixed(0)}x faster`,
    );
    console.log(coldLine);
  } finally {
    await server.close();
  }

  // 3. the 30-day series: one index, 1 % of files changing a day
  const series = RepoIndex.open(path.join(dir, 'series.sqlite'));
  const ids: string[] = [];
  let day0Bytes = 0;
  const [, seriesMs] = await timed(async () => {
    for (let day = 0; day < DAYS; day++) {
      if (day) changeFiles(files, 0.01, day);
      const id = day.toString(16).padStart(8, '0') + 'f'.repeat(56);
      ids.push(id);
      await series.add(
        { id, time: new Date(Date.UTC(2026, 0, 1 + day)).toISOString() },
        lsNodes(src, files),
        Date.now(),
      );
      if (day === 0) day0Bytes = series.sizeBytes();
    }
  });
  const all = series.sizeBytes();
  console.log(
    `${DAYS} snapshots changing 1 %/day: index ${mb(all)} = ${(all / day0Bytes).toFixed(2)}x one snapshot ` +
      `(${mb(day0Bytes)}); indexed in ${fmt(seriesMs)}`,
  );
  const among = series.snapshots();
  for (const pattern of ['file-4242.*', '*-9999?.pdf', 'file-123*.txt', '*.jpg']) {
    const ms: number[] = [];
    let hits = 0;
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      const r = series.search(pattern, among, { ignoreCase: false, offset: 0, limit: 100 });
      ms.push(now() - t0);
      hits = r.items.length;
    }
    console.log(
      `search "${pattern}" across ${among.length} snapshots: p50 ${fmt(percentile(ms, 50))} (${hits} hits on the first page)`,
    );
  }
  const [a, b] = [among[0]!, among[among.length - 1]!];
  const t0 = now();
  const changes = series.diff(a.seq, b.seq);
  console.log(
    `diff of day 1 and day ${DAYS} (${N.toLocaleString()} files each): ${fmt(now() - t0)}, ${changes.length} changes`,
  );
  series.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
