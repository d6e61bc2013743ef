// Focused harness: v2 listing latency of BENCH_LIST_OBJECTS objects in data/; prints the median of BENCH_REPEAT
// rounds of BENCH_LIST_RUNS listings each. Run with `tsx bench/list.ts` after `tsc -b .`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';
import { cpuMs, startOurs } from './our-server.js';

const OBJECTS = Number(process.env.BENCH_LIST_OBJECTS ?? 1500);
const RUNS = Number(process.env.BENCH_LIST_RUNS ?? 200);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);

const work = mkdtempSync(join(tmpdir(), 'restora-list-'));
const { child, base } = await startOurs(work);
try {
  const t = makeTarget('restora', base, 16);
  const objs = objectSet(OBJECTS, 1024);
  await call(t, 'POST', '/list/?create=true');
  await runConcurrent(16, OBJECTS, async (i) => {
    await call(t, 'POST', `/list/data/${objs.ids[i]}`, { body: objs.body(i) });
  });
  await new Promise((r) => setTimeout(r, Number(process.env.BENCH_LIST_SETTLE_MS ?? 2500)));
  const medians: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const times: number[] = [];
    const c0 = cpuMs(child.pid ?? 0);
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const res = await call(t, 'GET', '/list/data/', { keep: true });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 200) throw new Error(`list returned ${res.status}`);
    }
    const cpu = cpuMs(child.pid ?? 0) - c0;
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    medians.push(mean);
    console.log(
      `round ${r}: mean ${mean.toFixed(2)} ms, median ${times[times.length >> 1]?.toFixed(2)} ms, server CPU ${(cpu / RUNS).toFixed(2)} ms/listing`,
    );
  }
  medians.sort((a, b) => a - b);
  console.log(`median of means ${medians[medians.length >> 1]?.toFixed(2)} ms`);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(work, { recursive: true, force: true });
}
