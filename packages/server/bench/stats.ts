// Timing helpers for the benchmarks (wall clock and CPU time, percentiles).
export function percentile(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** [result, wall ms, CPU ms of this process]: CPU time shows the cost when other processes compete for cores. */
export function time<T>(fn: () => T): [T, number, number] {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return [r, wall, (c.user + c.system) / 1000];
}

/** Wall-clock samples, with the CPU-time samples alongside. */
export type Samples = number[] & { cpu: number[] };

export function samples(): Samples {
  return Object.assign([] as number[], { cpu: [] as number[] });
}

export function sample(n: number, fn: (i: number) => unknown): Samples {
  const out = samples();
  for (let i = 0; i < n; i++) {
    const [, wall, cpu] = time(() => fn(i));
    out.push(wall);
    out.cpu.push(cpu);
  }
  return out;
}

export const fmt = (ms: number) =>
  (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) + ' ms';

/**
 * Longest event-loop block while `fn` runs (what an HTTP request or SSE keep-alive would have waited): the largest
 * lateness of a 10 ms interval timer, measured from the call (a histogram would miss a block before its first tick).
 */
export async function timeBlocking<T>(fn: () => T | Promise<T>): Promise<[T, number, number]> {
  const TICK = 10;
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - TICK);
    last = now;
  }, TICK);
  const t0 = performance.now();
  const r = await fn();
  const wall = performance.now() - t0;
  // One more tick so a block at the very end is recorded too.
  await new Promise((resolve) => setTimeout(resolve, 2 * TICK));
  clearInterval(timer);
  return [r, wall, Math.max(0, longest)];
}
