// The loads of the side-by-side benchmark; every round uploads into its own repositories.
import { call, objectSet, runConcurrent } from './load.js';
import type { Target } from './load.js';

const MiB = 1024 * 1024;
export const BIG = { count: Number(process.env.BENCH_BIG_COUNT ?? 48), size: 8 * MiB, clients: 8 };
export const SMALL = { count: Number(process.env.BENCH_SMALL_COUNT ?? 3000), size: 64 * 1024, clients: 16 };
export const FULL_ROUNDS = Number(process.env.BENCH_FULL_ROUNDS ?? 4);
export const RANGED = { count: Number(process.env.BENCH_RANGED_COUNT ?? 3000), clients: 8, size: MiB };
export const LIST = { objects: 1500, runs: Number(process.env.BENCH_LIST_RUNS ?? 200) };

export const ALL_PHASES = ['up8', 'up64', 'full', 'ranged', 'listMs'] as const;
export type Phase = (typeof ALL_PHASES)[number];

// Same objects for every server and round.
export const big = objectSet(BIG.count, BIG.size);
const small = objectSet(SMALL.count, SMALL.size);
const listed = objectSet(LIST.objects, 1024);

function check(t: Target, status: number, what: string): void {
  if (status !== 200 && status !== 206) throw new Error(`${t.name}: ${what} returned ${status}`);
}

async function upload(
  t: Target,
  repo: string,
  set: typeof big,
  count: number,
  clients: number,
): Promise<number> {
  await call(t, 'POST', `/${repo}/?create=true`);
  return runConcurrent(clients, count, async (i) => {
    const r = await call(t, 'POST', `/${repo}/data/${set.ids[i]}`, { body: set.body(i) });
    check(t, r.status, `upload of ${repo}/${i}`);
  });
}

/** Runs one phase of round `round` against `t`: MiB/s, req/s, or ms for the listing. */
export async function runPhase(t: Target, phase: Phase, round: string): Promise<number> {
  switch (phase) {
    case 'up8':
      return (BIG.count * BIG.size) / MiB / (await upload(t, `big${round}`, big, BIG.count, BIG.clients));
    case 'up64': {
      const secs = await upload(t, `small${round}`, small, SMALL.count, SMALL.clients);
      await upload(t, `list${round}`, listed, LIST.objects, 16); // what the listing phase reads
      return SMALL.count / secs;
    }
    case 'full': {
      let bytes = 0;
      const secs = await runConcurrent(BIG.clients, BIG.count * FULL_ROUNDS, async (i) => {
        const r = await call(t, 'GET', `/big${round}/data/${big.ids[i % BIG.count]}`);
        check(t, r.status, 'download');
        bytes += r.bytes;
      });
      return bytes / MiB / secs;
    }
    case 'ranged': {
      const secs = await runConcurrent(RANGED.clients, RANGED.count, async (i) => {
        const off = Math.floor(Math.random() * (BIG.size - RANGED.size));
        const r = await call(t, 'GET', `/big${round}/data/${big.ids[i % BIG.count]}`, {
          range: `bytes=${off}-${off + RANGED.size - 1}`,
        });
        check(t, r.status, 'ranged read');
        if (r.bytes !== RANGED.size) throw new Error(`${t.name}: ranged read returned ${r.bytes} bytes`);
      });
      return RANGED.count / secs;
    }
    case 'listMs': {
      let total = 0;
      for (let i = 0; i < LIST.runs + 5; i++) {
        const t0 = process.hrtime.bigint();
        const r = await call(t, 'GET', `/list${round}/data/`, { keep: true });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        check(t, r.status, 'list');
        const n = (JSON.parse(r.body?.toString() ?? '[]') as unknown[]).length;
        if (n !== LIST.objects) throw new Error(`${t.name}: listing has ${n} entries`);
        if (i >= 5) total += ms; // first runs warm up
      }
      return total / LIST.runs;
    }
  }
}
