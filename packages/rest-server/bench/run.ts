// Side-by-side benchmark: restora rest-server vs `rclone serve restic`, and restic/rest-server itself when
// BENCH_REST_SERVER names its binary (see README.md, "Benchmark").
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';
import type { Target } from './load.js';
import { startOurs, THREADS } from './our-server.js';
import { peakRssMb, startGoRestServer, startRclone } from './peers.js';
import type { Peer } from './peers.js';
import { ALL_PHASES, BIG, LIST, RANGED, SMALL, big, runPhase } from './phases.js';
import type { Phase } from './phases.js';
import { printReport } from './report.js';

// 6: with two or three servers, each runs in every position of the rotation equally often. The virtual disk here
// writes faster after a rest, so whoever uploads first in a phase has an edge that must fall on all alike.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const GO_BIN = process.env.BENCH_REST_SERVER;
// BENCH_PHASES=up64,listMs runs only those phases (plus the uploads they read back), without the extras.
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
  : [...ALL_PHASES];
const SKIP_EXTRAS = WANTED !== undefined && WANTED.length > 0;

const work = mkdtempSync(join(tmpdir(), 'restora-bench-'));

function ddLimit(dir: string): number {
  const src = join(work, 'dd-src');
  writeFileSync(src, Buffer.concat(Array.from({ length: BIG.count }, (_, i) => Buffer.concat(big.body(i)))));
  const t0 = process.hrtime.bigint();
  const r = spawnSync('dd', [`if=${src}`, `of=${join(dir, 'dd-out')}`, 'bs=8M', 'conv=fsync'], {
    stdio: 'ignore',
  });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error('dd failed');
  rmSync(src);
  rmSync(join(dir, 'dd-out'));
  return (BIG.count * BIG.size) / 1024 / 1024 / s;
}

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

function dir(name: string): string {
  const d = join(work, name);
  mkdirSync(d);
  return d;
}

async function startPeers(): Promise<Peer[]> {
  const peers: Peer[] = [];
  try {
    peers.push(await startRclone(dir('rclone')));
    if (GO_BIN) peers.push(await startGoRestServer(GO_BIN, dir('rest-server')));
    const ours = await startOurs(dir('ours'));
    peers.push({ name: 'restora', ...ours });
  } catch (err) {
    for (const p of peers) p.child.kill('SIGTERM');
    throw err;
  }
  return peers;
}

/**
 * A warm-up round (not counted: the first pass of any load in a fresh process is slowed by page faults on
 * memory the VM has not touched yet), then ROUNDS counted rounds; the server order rotates every round so no
 * server always runs right after another's uploads are being written back.
 */
async function measure(targets: Target[]): Promise<Record<string, Record<Phase, number[]>>> {
  const samples: Record<string, Record<Phase, number[]>> = {};
  for (const t of targets) samples[t.name] = { up8: [], up64: [], full: [], ranged: [], listMs: [] };
  for (let round = -1; round < ROUNDS; round++) {
    const shift = Math.max(round, 0) % targets.length;
    const order = [...targets.slice(shift), ...targets.slice(0, shift)];
    process.stderr.write(
      `${round < 0 ? 'warm-up' : `round ${round + 1}/${ROUNDS}`}: ${order.map((t) => t.name).join(', ')}\n`,
    );
    for (const phase of PHASES)
      for (const t of order) {
        spawnSync('sync'); // no server pays for the write-back of the uploads before it (rclone does not fsync)
        const v = await runPhase(t, phase, round < 0 ? 'w' : String(round));
        if (round >= 0) samples[t.name]?.[phase].push(v);
      }
  }
  return samples;
}

async function main(): Promise<void> {
  const dd = SKIP_EXTRAS ? 0 : ddLimit(work);
  const peers = await startPeers();
  let samples;
  const rss: Record<string, number> = {};
  try {
    samples = await measure(peers.map((p) => makeTarget(p.name, p.base, 16)));
    for (const p of peers) rss[p.name] = peakRssMb(p.child.pid ?? 0);
  } finally {
    for (const p of peers) p.child.kill('SIGTERM');
  }
  const pool4 = SKIP_EXTRAS ? 0 : await smallUploadsOnly(dir('pool4'), '4');
  printReport({
    samples,
    rss,
    dd,
    pool4,
    phases: PHASES,
    threads: THREADS,
    rounds: ROUNDS,
    loads: { BIG, SMALL, RANGED, LIST },
  });
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
