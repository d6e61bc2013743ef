// A real `restora serve` (the built binary) with one user, one local repo and one plan, for the client e2e tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '@restora/server';

export const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = join(cliRoot, 'bin/restora.cjs');
export const USER = 'admin';
export const PASS = 'cli-e2e-pass';

export interface TestServer {
  url: string;
  dir: string;
  src: string;
  /** Console lines (JSON, since stdout is a pipe). */
  lines(): Record<string, unknown>[];
  /** The first console line `pred` accepts, once it has arrived (spawnSync blocks our reads meanwhile). */
  waitForLine(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Random (incompressible) bytes: with the repo's upload limit, a backup of `mib` MiB takes about mib/2 s. */
export function writeData(file: string, mib: number): void {
  writeFileSync(file, randomBytes(mib * 1024 * 1024));
}

export async function startTestServer(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'restora-cli-e2e-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'docs'), { recursive: true });
  writeData(join(src, 'docs', 'big.bin'), 8);
  writeFileSync(join(src, 'docs', 'note.txt'), 'hello from the cli test\n');
  mkdirSync(join(dir, 'config'));
  const config = {
    version: 6,
    instance: 'cli-e2e',
    auth: { users: [{ name: USER, passwordBcrypt: await hashPassword(PASS) }] },
    // restic applies the upload limit to every backend: a backup lasts long enough to report progress
    repos: [
      {
        id: 'local',
        uri: join(dir, 'repo'),
        password: 'repo-pass',
        autoInitialize: true,
        flags: ['--limit-upload 2048'],
      },
    ],
    plans: [{ id: 'docs', repo: 'local', paths: [src], schedule: { disabled: true } }],
  };
  writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify(config), { mode: 0o600 });
  const child: ChildProcess = spawn(process.execPath, [bin, 'serve', '--bind-address', '127.0.0.1:0'], {
    env: {
      ...process.env,
      RESTORA_CONFIG: join(dir, 'config', 'config.json'),
      RESTORA_DATA: join(dir, 'data'),
      RESTORA_RESTIC_COMMAND: '/usr/bin/restic',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) {
        clearInterval(t);
        resolve(m[1]);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(t);
      reject(new Error(`restora serve exited early: ${out}`));
    });
  });
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{') && l.endsWith('}'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    url,
    dir,
    src,
    lines,
    waitForLine: async (pred) => {
      for (let i = 0; i < 100; i++) {
        const hit = lines().find(pred);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no such console line in:\n${out}`);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
