// Side-by-side benchmark: restora rest-server vs `rclone serve restic` (see README.md, "Benchmark").
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';
import { startOurs, THREADS } from './our-server.js';
import type { Target } from './load.js';

const MiB = 1024 * 1024;
const BIG = { count: Number(process.env.BENCH_BIG_COUNT ?? 48), size: 8 * MiB, clients: 8 };
const SMALL = { count: Number(process.env.BENCH_SMALL_COUNT ?? 3000), size: 64 * 1024, clients: 16 };
const FULL_ROUNDS = Number(process.env.BENCH_FULL_ROUNDS ?? 4);
const RANGED = { count: Number(process.env.BENCH_RANGED_COUNT ?? 3000), clients: 8, size: MiB };
const LIST = { objects: 1500, runs: Number(process.env.BENCH_LIST_RUNS ?? 200) };

const work = mkdtempSync(join(tmpdir(), 'restora-bench-'));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startRclone(dir: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = spawn('rclone', ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(base + '/');
      return { child, base };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('rclone did not start');
}

function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

interface Figures {
  up8: number;
  up64: number;
  full: number;
  ranged: number;
  listMs: number;
  rss: number;
}

type Phase = Exclude<keyof Figures, 'rss'>;
const ALL_PHASES: Phase[] = ['up8', 'up64', 'full', 'ranged', 'listMs'];
// BENCH_PHASES=up64,listMs runs only those phases (plus the uploads the later phases read back).
const WANTED = process.env.BENCH_PHASES?.split(',').filter((p): p is Phase =>
  ALL_PHASES.includes(p as Phase),
);
const PHASES: Phase[] = WANTED?.length
  ? ALL_PHASES.filter(
      (p) =>
        WANTED.includes(p) ||
        (p === 'up8' && (WANTED.includes('full') || WANTED.includes('ranged'))) ||
        (p === 'up64' && WANTED.includes('listMs')),
    )
  : ALL_PHASES;
const SKIP_EXTRAS = WANTED !== undefined && WANTED.length > 0;

// Same objects for both servers; each phase runs on rclone then on ours back to back, so both see the
// machine in the same state (its other load varies a lot over a minute).
const big = objectSet(BIG.count, BIG.size);
const small = objectSet(SMALL.count, SMALL.size);
const listed = objectSet(LIST.objects, 1024);

async function runPhase(t: Target, phase: Phase): Promise<number> {
  const check = (s: number, what: string): void => {
    if (s !== 200 && s !== 206) throw new Error(`${t.name}: ${what} returned ${s}`);
  };
  switch (phase) {
    case 'up8': {
      for (const r of ['big', 'small', 'list']) await call(t, 'POST', `/${r}/?create=true`);
      const secs = await runConcurrent(BIG.clients, BIG.count, async (i) => {
        check(
          (await call(t, 'POST', `/big/data/${big.ids[i]}`, { body: big.body(i) })).status,
          'upload 8 MiB',
        );
      });
      return (BIG.count * BIG.size) / MiB / secs;
    }
    case 'up64': {
      for (const r of ['big', 'small', 'list']) await call(t, 'POST', `/${r}/?create=true`);
      const secs = await runConcurrent(SMALL.clients, SMALL.count, async (i) => {
        const r = await call(t, 'POST', `/small/data/${small.ids[i]}`, { body: small.body(i) });
        check(r.status, 'upload 64 KiB');
      });
      await runConcurrent(16, LIST.objects, async (i) => {
        const r = await call(t, 'POST', `/list/data/${listed.ids[i]}`, { body: listed.body(i) });
        check(r.status, 'upload 1 KiB');
      });
      return SMALL.count / secs;
    }
    case 'full': {
      let bytes = 0;
      const secs = await runConcurrent(BIG.clients, BIG.count * FULL_ROUNDS, async (i) => {
        const r = await call(t, 'GET', `/big/data/${big.ids[i % BIG.count]}`);
        check(r.status, 'download');
        bytes += r.bytes;
      });
      return bytes / MiB / secs;
    }
    case 'ranged': {
      const secs = await runConcurrent(RANGED.clients, RANGED.count, async (i) => {
        const off = Math.floor(Math.random() * (BIG.size - RANGED.size));
        const r = await call(t, 'GET', `/big/data/${big.ids[i % BIG.count]}`, {
          range: `bytes=${off}-${off + RANGED.size - 1}`,
        });
        check(r.status, 'ranged read');
        if (r.bytes !== RANGED.size) throw new Error(`${t.name}: ranged read returned ${r.bytes} bytes`);
      });
      return RANGED.count / secs;
    }
    case 'listMs': {
      let total = 0;
      for (let i = 0; i < LIST.runs + 5; i++) {
        const t0 = process.hrtime.bigint();
        const r = await call(t, 'GET', '/list/data/', { keep: true });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        check(r.status, 'list');
        const n = (JSON.parse(r.body?.toString() ?? '[]') as unknown[]).length;
        if (n !== LIST.objects) throw new Error(`${t.name}: listing has ${n} entries`);
        if (i >= 5) total += ms; // first runs warm up
      }
      return total / LIST.runs;
    }
  }
}

function ddLimit(dir: string): number {
  const src = join(work, 'dd-src');
  const big = objectSet(BIG.count, BIG.size);
  writeFileSync(src, Buffer.concat(Array.from({ length: BIG.count }, (_, i) => Buffer.concat(big.body(i)))));
  const t0 = process.hrtime.bigint();
  const r = spawnSync('dd', [`if=${src}`, `of=${join(dir, 'dd-out')}`, 'bs=8M', 'conv=fsync'], {
    stdio: 'ignore',
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error('dd failed');
  rmSync(src);
  rmSync(join(dir, 'dd-out'));
  return (BIG.count * BIG.size) / MiB / s;
}

// restic/rest-server 0.14 on a machine like this one, as given in the issue (disk limit there ~570 MiB/s).
const REF = { up8: 379, up64: 1634, full: 762, ranged: 440, listMs: 6.6 };

async function smallUploadsOnly(dir: string, threads: string): Promise<number> {
  const { child, base } = await startOurs(dir, threads);
  try {
    const t = makeTarget('restora', base, SMALL.clients);
    const small = objectSet(SMALL.count, SMALL.size);
    await call(t, 'POST', '/small/?create=true');
    const secs = await runConcurrent(SMALL.clients, SMALL.count, async (i) => {
      const r = await call(t, 'POST', `/small/data/${small.ids[i]}`, { body: small.body(i) });
      if (r.status !== 200) throw new Error(`upload returned ${r.status}`);
    });
    return SMALL.count / secs;
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const oursDir = join(work, 'ours');
  const rcloneDir = join(work, 'rclone');
  spawnSync('mkdir', ['-p', oursDir, rcloneDir, join(work, 'pool4')]);
  const dd = SKIP_EXTRAS ? 0 : ddLimit(work);
  const rc = await startRclone(rcloneDir);
  const ours = await startOurs(oursDir);
  const targets = [makeTarget('rclone', rc.base, 16), makeTarget('restora', ours.base, 16)];
  const results: Record<string, Figures> = {
    rclone: { up8: 0, up64: 0, full: 0, ranged: 0, listMs: 0, rss: 0 },
    restora: { up8: 0, up64: 0, full: 0, ranged: 0, listMs: 0, rss: 0 },
  };
  try {
    for (const phase of PHASES) {
      for (const t of targets) (results[t.name] as Figures)[phase] = await runPhase(t, phase);
    }
    (results.rclone as Figures).rss = peakRss(rc.child.pid ?? 0);
    (results.restora as Figures).rss = peakRss(ours.child.pid ?? 0);
  } finally {
    rc.child.kill('SIGTERM');
    ours.child.kill('SIGTERM');
  }
  const pool4 = SKIP_EXTRAS ? 0 : await smallUploadsOnly(join(work, 'pool4'), '4');
  const o = results.restora as Figures;
  const r = results.rclone as Figures;
  const f = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  const row = (label: string, unit: string, a: number, b: number, ref: number, lower = false): string =>
    `| ${label} | ${f(a)} ${unit} | ${f(b)} ${unit} | ${(lower ? b / a : a / b).toFixed(2)}x | ${f(ref)} ${unit} (${(lower ? ref / a : a / ref).toFixed(2)}x) |`;
  console.log(
    `\ndisk limit: dd bs=8M conv=fsync of the same ${(BIG.count * BIG.size) / MiB} MiB = ${dd.toFixed(0)} MiB/s`,
  );
  console.log(`restora server: node ${process.version}, compiled dist/, UV_THREADPOOL_SIZE=${THREADS}\n`);
  console.log('| load | restora | rclone serve restic | ours/rclone | rest-server 0.14 ref (ours/ref) |');
  console.log('|---|---|---|---|---|');
  console.log(row(`upload 8 MiB x${BIG.count}, ${BIG.clients} clients`, 'MiB/s', o.up8, r.up8, REF.up8));
  console.log(
    row(`upload 64 KiB x${SMALL.count}, ${SMALL.clients} clients`, 'req/s', o.up64, r.up64, REF.up64),
  );
  console.log(row(`download 8 MiB, ${BIG.clients} clients`, 'MiB/s', o.full, r.full, REF.full));
  console.log(row(`ranged 1 MiB reads, ${RANGED.clients} clients`, 'req/s', o.ranged, r.ranged, REF.ranged));
  console.log(row(`v2 list, ${LIST.objects} objects (latency)`, 'ms', o.listMs, r.listMs, REF.listMs, true));
  console.log(`| server peak RSS (VmHWM) | ${f(o.rss)} MB | ${f(r.rss)} MB | | target < 150 MB |`);
  console.log(`\nuploads 8 MiB: ours = ${((o.up8 / dd) * 100).toFixed(0)}% of the dd limit (target >= 80%)`);
  console.log(`upload 64 KiB with UV_THREADPOOL_SIZE=4 (Node default): ${f(pool4)} req/s`);
  console.log('ratios: higher is better for ours (for the listing: their latency / ours)');
  console.log(
    'rclone neither fsyncs nor verifies uploads; restora fsyncs file + directory and checks SHA-256.',
  );
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
