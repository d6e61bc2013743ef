// Focused harness: small uploads only against our server; prints req/s and server CPU per request.
// BENCH_SMALL_COUNT, BENCH_SMALL_CLIENTS, BENCH_REPEAT; run with `tsx bench/up64.ts` after `tsc -b .`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';
import { cpuMs, startOurs } from './our-server.js';
import { peakRssMb } from './peers.js';

const COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 3000);
const CLIENTS = Number(process.env.BENCH_SMALL_CLIENTS ?? 16);
const SIZE = Number(process.env.BENCH_SMALL_SIZE ?? 64 * 1024);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

const work = mkdtempSync(join(tmpdir(), 'restora-up64-'));
const { child, base } = await startOurs(work);
try {
  const t = makeTarget('restora', base, CLIENTS);
  const rates: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const objs = objectSet(COUNT, SIZE);
    await call(t, 'POST', `/r${r}/?create=true`);
    const c0 = cpuMs(child.pid ?? 0);
    const secs = await runConcurrent(CLIENTS, COUNT, async (i) => {
      const res = await call(t, 'POST', `/r${r}/data/${objs.ids[i]}`, { body: objs.body(i) });
      if (res.status !== 200) throw new Error(`upload returned ${res.status}`);
    });
    const cpu = cpuMs(child.pid ?? 0) - c0;
    rates.push(COUNT / secs);
    console.log(
      `run ${r}: ${(COUNT / secs).toFixed(0)} req/s, server CPU ${((cpu * 1000) / COUNT).toFixed(0)} µs/req`,
    );
  }
  rates.sort((a, b) => a - b);
  console.log(
    `median ${rates[Math.floor(rates.length / 2)]?.toFixed(0)} req/s, server peak RSS ${peakRssMb(child.pid ?? 0).toFixed(1)} MB`,
  );
} finally {
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
