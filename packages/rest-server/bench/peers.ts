// The peers our server is measured against, each in its own process on 127.0.0.1.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface Peer {
  name: string;
  child: ChildProcess;
  base: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startAndWait(name: string, cmd: string, args: (port: number) => string[]): Promise<Peer> {
  const port = await freePort();
  const child = spawn(cmd, args(port), { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(base + '/');
      return { name, child, base };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start`);
}

/** Debian's rclone: a Go implementation of the protocol that neither fsyncs nor verifies uploads. */
export function startRclone(dir: string): Promise<Peer> {
  return startAndWait('rclone', 'rclone', (port) => ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir]);
}

/** restic/rest-server itself, when BENCH_REST_SERVER names a binary built locally (it is not packaged). */
export function startGoRestServer(bin: string, dir: string, extraArgs: string[] = []): Promise<Peer> {
  return startAndWait('rest-server', bin, (port) => [
    '--no-auth',
    '--path',
    dir,
    '--listen',
    `127.0.0.1:${port}`,
    ...extraArgs,
  ]);
}

export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Milliseconds of one v2 listing of `path` (restic's request); an empty or failed listing is an error. */
export async function listMs(base: string, path: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await fetch(base + path, { headers: { Accept: 'application/vnd.x.restic.rest.v2' } });
  const entries = (await r.json()) as unknown[];
  if (r.status !== 200 || entries.length === 0) throw new Error(`listing ${path}: ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
