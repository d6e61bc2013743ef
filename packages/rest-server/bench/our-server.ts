// Starts our server (compiled dist/) as its own process, as the benchmarks measure it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export const THREADS = process.env.UV_THREADPOOL_SIZE ?? '64';

/** The words of the `restora` launcher's shebang line (`#!/usr/bin/env -S NAME=VALUE... node --flag...`). */
function shebangWords(): string[] {
  const launcher = join(here, '..', '..', 'cli', 'bin', 'restora.cjs');
  return (readFileSync(launcher, 'utf8').split('\n', 1)[0] ?? '').split(' ');
}

/** The node flags on the launcher's shebang line, so the benchmark runs our server as shipped. */
export function launcherNodeFlags(): string[] {
  return shebangWords().filter((word) => word.startsWith('--'));
}

/** The environment the launcher's shebang line sets (glibc malloc tuning). */
export function launcherEnv(): Record<string, string> {
  const pairs = shebangWords().filter((word) => /^[A-Z_]+=/.test(word));
  return Object.fromEntries(
    pairs.map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}

export async function startOurs(
  dir: string,
  threads = THREADS,
  extraArgs: string[] = [], // e.g. --no-verify-upload
): Promise<{ child: ChildProcess; base: string }> {
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles our server process.
  const nodeArgs = [
    ...launcherNodeFlags(),
    ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, join(here, 'server-process.mjs'), dir, ...extraArgs], {
    env: { ...process.env, ...launcherEnv(), UV_THREADPOOL_SIZE: threads },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const addr = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /start server on (\S+)/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`server exited: ${err}`)));
  });
  return { child, base: `http://${addr}` };
}

/** A process's user and system CPU time so far (ms, from 100 Hz ticks) and its minor page faults. */
export function procStat(pid: number): { userMs: number; sysMs: number; minorFaults: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { userMs: Number(f[11]) * 10, sysMs: Number(f[12]) * 10, minorFaults: Number(f[7]) };
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMs(pid: number): number {
  const s = procStat(pid);
  return s.userMs + s.sysMs;
}
