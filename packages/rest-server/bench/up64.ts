// Focused harness: small uploads only against our server; prints req/s and server CPU per request.
// BENCH_SMALL_COUNT, BENCH_SMALL_CLIENTS, BENCH_REPEAT; run with `tsx bench/up64.ts` after `tsc -b .`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { call, makeTarget, objectSet, runConcurrent } from './load.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const COUNT = Number(process.env.BENCH_SMALL_COUNT ?? 3000);
const CLIENTS = Number(process.env.BENCH_SMALL_CLIENTS ?? 16);
const SIZE = Number(process.env.BENCH_SMALL_SIZE ?? 64 * 1024);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

const work = mkdtempSync(join(tmpdir(), 'restora-up64-'));
const child = spawn(process.execPath, [join(here, 'server-process.mjs'), work], {
  env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '64' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
try {
  const base = await new Promise<string>((resolve) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /start server on (\S+)/.exec(err);
      if (m?.[1]) resolve(`http://${m[1]}`);
    });
  });
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
  console.log(`median ${rates[Math.floor(rates.length / 2)]?.toFixed(0)} req/s`);
} finally {
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
