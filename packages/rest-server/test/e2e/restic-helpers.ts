import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface ResticResult {
  code: number | null;
  stdout: string;
  stderr: string;
  interrupted: boolean;
}

/** Runs /usr/bin/restic with credentials in the environment only; SIGINT after `timeoutMs` (restic then unlocks). */
export function restic(
  args: string[],
  env: Record<string, string>,
  opts: { timeoutMs?: number; stopOn?: RegExp } = {},
): Promise<ResticResult> {
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/restic', args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const stop = (): void => {
      if (interrupted) return;
      interrupted = true;
      child.kill('SIGINT');
    };
    const timer = setTimeout(stop, opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.stopOn?.test(stderr)) stop();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, interrupted });
    });
  });
}

/** relative path → sha256 of every regular file under `dir`. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
