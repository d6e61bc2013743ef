// Focused harness: idle memory of the real `restora rest-server` command (the launcher, as users start it) and of
// the benchmark's server process, VmRSS/RssAnon/RssFile 1 s after `start server on` and again at 10 s (V8's memory
// reducer runs its first GC about 8 s after start). BENCH_IDLE_DIR names a data directory (default: an empty one);
// BENCH_REPEAT starts each (default 3). Run with `tsx bench/idle-rss.ts` after `npm run build`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherEnv, launcherNodeFlags, THREADS } from './our-server.js';
import { median } from './report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const empty = mkdtempSync(join(tmpdir(), 'restora-idle-'));
const dir = process.env.BENCH_IDLE_DIR ?? empty;

const COMMANDS: Record<string, string[]> = {
  'restora rest-server (launcher)': [
    join(here, '..', '..', 'cli', 'bin', 'restora.cjs'),
    'rest-server',
    '--no-auth',
    '--path',
    dir,
    '--listen',
    '127.0.0.1:0',
  ],
  'bench/server-process.mjs': [
    process.execPath,
    ...launcherNodeFlags(),
    join(here, 'server-process.mjs'),
    dir,
  ],
};

const mb = (status: string, key: string): number =>
  Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;

async function once(argv: string[]): Promise<number[]> {
  const [cmd = '', ...args] = argv;
  const child = spawn(cmd, args, {
    env: { ...process.env, ...launcherEnv(), UV_THREADPOOL_SIZE: THREADS },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('start server on')) resolve();
    });
    child.on('exit', () => reject(new Error(`server exited: ${err}`)));
  });
  const out: number[] = [];
  for (const at of [1000, 10_000]) {
    await new Promise((r) => setTimeout(r, at - (out.length ? 1000 : 0)));
    const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    out.push(mb(s, 'VmRSS'), mb(s, 'RssAnon'), mb(s, 'RssFile'));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return out;
}

try {
  console.log(`data directory: ${dir === empty ? 'empty' : dir}\n`);
  console.log(
    '| process | VmRSS 1 s | RssAnon | RssFile | VmRSS 10 s | RssAnon | RssFile |\n|---|---|---|---|---|---|---|',
  );
  for (const [name, argv] of Object.entries(COMMANDS)) {
    const runs: number[][] = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await once(argv));
    const cols = [0, 1, 2, 3, 4, 5].map((k) => median(runs.map((r) => r[k] ?? 0)).toFixed(1));
    console.log(`| ${name} | ${cols.join(' | ')} |`);
  }
} finally {
  rmSync(empty, { recursive: true, force: true });
}
