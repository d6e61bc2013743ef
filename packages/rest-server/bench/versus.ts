// Focused side-by-side harness: one upload load against our server and restic/rest-server in alternating
// rounds, with each server's CPU time per request split into user and system (from /proc/PID/stat).
// BENCH_REST_SERVER=/path/to/rest-server tsx bench/versus.ts (after `tsc -b .`); BENCH_COUNT, BENCH_CLIENTS,
// BENCH_SIZE (bytes), BENCH_REPEAT, BENCH_NO_VERIFY=1 (both servers skip the SHA-256 check).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';
import type { Target } from './load.js';
import { procStat, startOurs } from './our-server.js';
import { median } from './report.js';
import { peakRssMb, startGoRestServer } from './peers.js';
import type { Peer } from './peers.js';

const GO_BIN = process.env.BENCH_REST_SERVER;
const COUNT = Number(process.env.BENCH_COUNT ?? 3000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SIZE = Number(process.env.BENCH_SIZE ?? 64 * 1024);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 8);
const NO_VERIFY = process.env.BENCH_NO_VERIFY === '1';

interface Row {
  rate: number; // requests per second
  user: number; // server CPU per request, µs
  sys: number;
  faults: number; // server minor page faults per request
}

const objs = objectSet(COUNT, SIZE); // the same objects for both servers and every round

/** One timed round of uploads into repository `repo` of `p`, with the server's CPU and page faults. */
async function uploadRound(p: Peer, t: Target, repo: string): Promise<Row> {
  const pid = p.child.pid ?? 0;
  await call(t, 'POST', `/${repo}/?create=true`);
  spawnSync('sync');
  const before = procStat(pid);
  const secs = await runConcurrent(CLIENTS, COUNT, async (i) => {
    const res = await call(t, 'POST', `/${repo}/data/${objs.ids[i]}`, { body: objs.body(i) });
    if (res.status !== 200) throw new Error(`${p.name}: upload returned ${res.status}`);
  });
  const after = procStat(pid);
  return {
    rate: COUNT / secs,
    user: ((after.userMs - before.userMs) * 1000) / COUNT,
    sys: ((after.sysMs - before.sysMs) * 1000) / COUNT,
    faults: (after.minorFaults - before.minorFaults) / COUNT,
  };
}

async function main(work: string): Promise<void> {
  if (!GO_BIN) throw new Error('set BENCH_REST_SERVER to a restic/rest-server binary');
  const dir = (name: string): string => {
    mkdirSync(join(work, name));
    return join(work, name);
  };
  const extra = NO_VERIFY ? ['--no-verify-upload'] : [];
  const peers: Peer[] = [await startGoRestServer(GO_BIN, dir('rest-server'), extra)];
  const targets = new Map<Peer, Target>();
  try {
    const ours = await startOurs(dir('ours'), undefined, extra);
    peers.push({ name: 'restora', ...ours });
    for (const p of peers) targets.set(p, makeTarget(p.name, p.base, CLIENTS));
    // The first pass in a fresh process pays page faults on memory the VM has not touched yet (hundreds per
    // request for our server): a warm-up round per server, not counted, as in the full benchmark.
    for (const p of peers) await uploadRound(p, targets.get(p) as Target, 'warmup');
    const rows = new Map<string, Row[]>();
    for (let r = 0; r < REPEAT; r++) {
      for (const p of r % 2 ? [...peers].reverse() : peers) {
        const row = await uploadRound(p, targets.get(p) as Target, `r${r}`);
        rows.set(p.name, [...(rows.get(p.name) ?? []), row]);
        const mib = ((row.rate * SIZE) / 2 ** 20).toFixed(0);
        console.log(
          `round ${r + 1} ${p.name}: ${row.rate.toFixed(0)} req/s (${mib} MiB/s), ` +
            `CPU ${row.user.toFixed(0)} µs user + ${row.sys.toFixed(0)} µs system, ${row.faults.toFixed(0)} page faults per request`,
        );
      }
    }
    console.log(`\n${COUNT} uploads of ${SIZE} bytes by ${CLIENTS} clients, medians of ${REPEAT} rounds:`);
    for (const [name, xs] of rows) {
      const rate = median(xs.map((x) => x.rate));
      console.log(
        `  ${name}: ${rate.toFixed(0)} req/s (${((rate * SIZE) / 2 ** 20).toFixed(0)} MiB/s), ` +
          `${median(xs.map((x) => x.user)).toFixed(0)} µs user + ${median(xs.map((x) => x.sys)).toFixed(0)} µs system`,
      );
    }
    printPairs(rows);
    console.log(
      `  peak RSS: ${peers.map((p) => `${p.name} ${peakRssMb(p.child.pid ?? 0).toFixed(1)} MB`).join(', ')}`,
    );
  } finally {
    for (const t of targets.values()) t.raw.close();
    for (const p of peers) p.child.kill('SIGTERM');
  }
}

/**
 * Ours/theirs per round: the disk's speed drifts across rounds for both servers alike, so the ratio within a
 * round is steadier than the ratio of the medians.
 */
function printPairs(rows: Map<string, Row[]>): void {
  const ours = rows.get('restora') ?? [];
  const theirs = [...rows.entries()].find(([name]) => name !== 'restora')?.[1] ?? [];
  const ratios = ours.map((row, i) => row.rate / (theirs[i]?.rate ?? NaN));
  const ahead = ratios.filter((x) => x > 1).length;
  console.log(
    `  per-round ratio restora/rest-server: median ${median(ratios).toFixed(2)}, restora ahead in ${ahead} of ${ratios.length}`,
  );
}

const work = mkdtempSync(join(tmpdir(), 'restora-versus-'));
try {
  await main(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
