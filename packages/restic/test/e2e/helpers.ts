import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Restic } from '@restora/restic';

export const PASSWORD = 'e2e-Secret-pw';

export async function tempDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `restora-restic-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A small source tree: a few text files, a subfolder, an excluded file. */
export async function makeSource(dir: string): Promise<void> {
  await mkdir(join(dir, 'docs', 'deep'), { recursive: true });
  await writeFile(join(dir, 'hello.txt'), 'hello world\n');
  await writeFile(join(dir, 'docs', 'readme.md'), '# readme\n');
  await writeFile(join(dir, 'docs', 'deep', 'data.bin'), Buffer.alloc(70_000, 7));
  await writeFile(join(dir, 'skip.tmp'), 'excluded\n');
}

export function newRestic(repository: string, extra: ConstructorParameters<typeof Restic>[0] = {}): Restic {
  return new Restic({ repository, password: PASSWORD, binaryPath: '/usr/bin/restic', ...extra });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`rclone exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('rclone serve restic did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `rclone serve restic` on 127.0.0.1; returns the `rest:` URL and a stop function. */
export async function startRcloneRest(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn('/usr/bin/rclone', ['serve', 'restic', '--addr', `127.0.0.1:${port}`, dir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, RCLONE_CONFIG: '/dev/null' },
  });
  child.stderr?.resume();
  await waitForPort(port, child);
  return {
    url: `rest:http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
