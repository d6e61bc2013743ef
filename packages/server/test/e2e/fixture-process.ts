import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface FixtureProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  out(): string;
  err(): string;
  exited: Promise<void>;
  /** SIGKILL to the whole process group: the fixture and its restic die without cleanup. */
  killGroup(): void;
}

/** Runs a TypeScript fixture from source in its own process group, collecting its output. */
export function spawnFixture(file: string, args: string[]): FixtureProcess {
  const child = spawn(process.execPath, ['--conditions=restora-source', '--import', 'tsx', file, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return {
    child,
    out: () => out,
    err: () => err,
    exited: new Promise<void>((r) => child.once('exit', () => r())),
    killGroup() {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
