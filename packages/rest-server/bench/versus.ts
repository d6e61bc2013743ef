// Focused side-by-side harness: one upload load against our server and restic/rest-server in alternating
// rounds, with each server's CPU time per request split into user and system (from /proc/PID/stat).
// BENCH_REST_SERVER=/path/to/rest-server tsx bench/versus.ts (after `tsc -b .`); BENCH_COUNT, BENCH_CLIENTS,
// BENCH_SIZE (bytes), BENCH_REPEAT, BENCH_NO_VERIFY=1 (both servers skip the SHA-256 check).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';
import { startOurs } from './our-server.js';
import { startGoRestServer } from './peers.js';
import type { Peer } from './peers.js';

const GO_BIN = process.env.BENCH_REST_SERVER;
const COUNT = Number(process.env.BENCH_COUNT ?? 3000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const SIZE = Number(process.env.BENCH_SIZE ?? 64 * 1024);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 8);
const NO_VERIFY = process.env.BENCH_NO_VERIFY === '1';

/** User and system CPU time a process has used so far, in ms, and its minor page faults. */
function cpuSplitMs(pid: number): [number, number, number] {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return [Number(f[11]) * 10, Number(f[12]) * 10, Number(f[7])];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(work: string): Promise<void> {
  if (!GO_BIN) throw new Error('set BENCH_REST_SERVER to a restic/rest-server binary');
  const dir = (name: string): string => {
    mkdirSync(join(work, name));
    return join(work, name);
  };
  const extra = NO_VERIFY ? ['--no-verify-upload'] : [];
  const peers: Peer[] = [await startGoRestServer(GO_BIN, dir('rest-server'), extra)];
  try {
    const ours = await startOurs(dir('ours'), undefined, extra);
    peers.push({ name: 'restora', ...ours });
    const rows = new Map<string, { rate: number; user: number; sys: number; faults: number }[]>();
    for (let r = 0; r < REPEAT; r++) {
      for (const p of r % 2 ? [...peers].reverse() : peers) {
        const t = makeTarget(p.name, p.base, CLIENTS);
        const objs = objectSet(COUNT, SIZE);
        await call(t, 'POST', `/r${r}/?create=true`);
        spawnSync('sync');
        const [u0, s0, f0] = cpuSplitMs(p.child.pid ?? 0);
        const secs = await runConcurrent(CLIENTS, COUNT, async (i) => {
          const res = await call(t, 'POST', `/r${r}/data/${objs.ids[i]}`, { body: objs.body(i) });
          if (res.status !== 200) throw new Error(`${p.name}: upload returned ${res.status}`);
        });
        const [u1, s1, f1] = cpuSplitMs(p.child.pid ?? 0);
        const row = {
          rate: COUNT / secs,
          user: ((u1 - u0) * 1000) / COUNT,
          sys: ((s1 - s0) * 1000) / COUNT,
          faults: (f1 - f0) / COUNT,
        };
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
  } finally {
    for (const p of peers) p.child.kill('SIGTERM');
  }
}

const work = mkdtempSync(join(tmpdir(), 'restora-versus-'));
try {
  await main(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
