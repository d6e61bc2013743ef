/**
 * Wrapper overhead vs bare `restic backup`, measured side by side in one run (alternating order,
 * several reps, median), plus the Node process's peak RSS while streaming progress.
 *   npm run bench -w @restora/restic   (env: BENCH_REPS=5, BENCH_BIG_MB=500, BENCH_FILES=10000)
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Restic } from '@restora/restic';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const BIG_MB = Number(process.env.BENCH_BIG_MB ?? 500);
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const PASSWORD = 'bench-password';
const BIN = process.env.RESTIC ?? 'restic';

async function makeSmallFiles(dir: string): Promise<void> {
  for (let d = 0; d < FILES / 100; d++) {
    const sub = join(dir, `d${d}`);
    await mkdir(sub, { recursive: true });
    await Promise.all(
      Array.from({ length: 100 }, (_, f) =>
        writeFile(join(sub, `f${f}.txt`), randomBytes(512).toString('hex')),
      ),
    );
  }
}

async function makeBigFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < BIG_MB; i++) {
    if (!out.write(randomBytes(1024 * 1024))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const CHILD = fileURLToPath(new URL('./wrapper-child.mjs', import.meta.url));
let peakRss = 0;
let maxRss = 0;
/** One backup in a fresh Node process (`bare` restic or through the `wrapper`); returns the time it measured. */
async function timed(
  mode: 'bare' | 'wrapper',
  repo: string,
  cache: string,
  paths: string[],
): Promise<Sample> {
  const child = spawn(process.execPath, [CHILD, mode, repo, cache, ...paths], {
    env: { ...process.env, BENCH_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`wrapper child exit ${code}`);
  const r = JSON.parse(out) as {
    ms: number;
    cpuMs: number;
    messages: number;
    snapshotId?: string;
    peakRss: number;
    maxRss: number;
  };
  if (!r.snapshotId || r.messages === 0) throw new Error(`${mode} backup returned no snapshot`);
  if (mode === 'wrapper') {
    peakRss = Math.max(peakRss, r.peakRss);
    maxRss = Math.max(maxRss, r.maxRss);
  }
  return { ms: r.ms, cpuMs: r.cpuMs };
}

/** Wall time of one backup and the CPU time its Node process used meanwhile. */
interface Sample {
  ms: number;
  cpuMs: number;
}

interface ScenarioResult {
  name: string;
  bare: number;
  wrapped: number;
  pairedRatio: number;
  bareCpu: number;
  wrapCpu: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

async function scenario(name: string, root: string, paths: string[]): Promise<ScenarioResult> {
  const bareTimes: Sample[] = [];
  const wrapTimes: Sample[] = [];
  for (let i = 0; i < REPS; i++) {
    // Fresh repositories each rep so both sides do a full (non-deduplicated) backup.
    const repoA = join(root, `${name}-bare-${i}`);
    const repoB = join(root, `${name}-wrap-${i}`);
    const restic = new Restic({
      repository: repoB,
      password: PASSWORD,
      cacheDir: join(root, 'cache-wrap'),
      binaryPath: BIN,
    });
    await restic.init();
    await restic.with({ repository: repoA, cacheDir: join(root, 'cache-bare') }).init();
    const cacheWrap = join(root, 'cache-wrap');
    const runBare = async (): Promise<void> =>
      void bareTimes.push(await timed('bare', repoA, join(root, 'cache-bare'), paths));
    const runWrap = async (): Promise<void> =>
      void wrapTimes.push(await timed('wrapper', repoB, cacheWrap, paths));
    if (i % 2 === 0) {
      await runBare();
      await runWrap();
    } else {
      await runWrap();
      await runBare();
    }
    await rm(repoA, { recursive: true, force: true });
    await rm(repoB, { recursive: true, force: true });
    console.log(
      `  ${name} rep ${i + 1}: bare ${(bareTimes.at(-1)!.ms / 1000).toFixed(2)} s, ` +
        `wrapper ${(wrapTimes.at(-1)!.ms / 1000).toFixed(2)} s (load average ${loadavg()[0]?.toFixed(1)})`,
    );
  }
  return {
    name,
    bare: median(bareTimes.map((t) => t.ms)),
    wrapped: median(wrapTimes.map((t) => t.ms)),
    pairedRatio: median(wrapTimes.map((w, i) => w.ms / (bareTimes[i]?.ms ?? w.ms))),
    bareCpu: median(bareTimes.map((t) => t.cpuMs)),
    wrapCpu: median(wrapTimes.map((t) => t.cpuMs)),
  };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'restora-restic-bench-'));
  try {
    const small = join(root, 'small');
    const big = join(root, 'big.bin');
    console.log(`generating ${FILES} small files and one ${BIG_MB} MB file in ${root} ...`);
    await makeSmallFiles(small);
    await makeBigFile(big);
    const version = await new Restic({ binaryPath: BIN }).version();
    console.log(
      `restic ${version.resticVersion}, node ${process.version}, ${REPS} reps per side (alternating order)\n`,
    );
    const results = [
      await scenario(`${FILES}-small-files`, root, [small]),
      await scenario(`${BIG_MB}MB-file`, root, [big]),
    ];
    console.log(
      '\nscenario              bare (median)  wrapper (median)  ratio  paired-ratio  Node CPU bare/wrapper  CPU overhead',
    );
    for (const r of results) {
      const ratio = r.wrapped / r.bare;
      // CPU the wrapper adds in its own process, relative to the backup's wall time: independent of machine load.
      const cpuOverhead = (r.wrapCpu - r.bareCpu) / r.bare;
      console.log(
        `${r.name.padEnd(22)}${(r.bare / 1000).toFixed(2).padStart(10)} s ${(r.wrapped / 1000).toFixed(2).padStart(14)} s ` +
          `${ratio.toFixed(3).padStart(7)} ${r.pairedRatio.toFixed(3).padStart(12)} ` +
          `${`${r.bareCpu.toFixed(0)} / ${r.wrapCpu.toFixed(0)} ms`.padStart(22)} ${(cpuOverhead * 100).toFixed(2).padStart(10)} %` +
          `   wall target <= 1.03: ${ratio <= 1.03 ? 'ok' : 'MISSED'}`,
      );
    }
    const mb = (b: number): string => (b / 1048576).toFixed(1);
    console.log(
      `\npeak RSS of the wrapper's Node process while streaming: ${mb(peakRss)} MB sampled, maxRSS ${mb(maxRss)} MB` +
        ` (target < 100 MB: ${maxRss < 100 * 1048576 ? 'ok' : 'MISSED'})`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
