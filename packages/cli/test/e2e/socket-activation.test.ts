// systemd socket activation of `restora rest-server` (LISTEN_FDS/LISTEN_PID, fd 3) through the built launcher.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const cliRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(cliRoot, 'bin/restora.cjs');
const built = existsSync(join(cliRoot, 'dist/main.js'));
const V2 = 'application/vnd.x.restic.rest.v2';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'restora-activation-'));
  dirs.push(d);
  return d;
};

/** A listening socket in this process, as systemd would hold it, with its fd for the child's stdio. */
async function listening(
  at: { port: 0; host: '127.0.0.1' } | { path: string },
): Promise<Server & { fd: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(at, resolve));
  // Linux: the handle's fd is what gets duplicated into the child.
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  return Object.assign(server, { fd });
}

const closeServer = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));

interface Launched {
  child: ChildProcess;
  stderr(): string;
  /** The address from `start server on <addr>`; rejects if the process exits first. */
  started: Promise<string>;
  /** Exit code, once stderr is fully read. */
  exited: Promise<number | null>;
}

/** `restora rest-server ARGS` with `fds` as fd 3, 4, …; `exec` keeps the shell's pid, so LISTEN_PID=$$ is ours. */
function launch(args: string[], env: Record<string, string>, fds: number[]): Launched {
  const base = { ...process.env };
  delete base.LISTEN_PID;
  delete base.LISTEN_FDS;
  const child = spawn(
    'sh',
    ['-c', 'LISTEN_PID=${LISTEN_PID:-$$} exec "$@"', 'sh', process.execPath, bin, 'rest-server', ...args],
    { env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe', ...fds] },
  );
  children.push(child);
  let err = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const started = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /^start server on (.*)$/m.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  started.catch(() => undefined);
  return { child, stderr: () => err, started, exited };
}

async function stop(p: Launched): Promise<void> {
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
  expect(p.stderr()).toContain('shutdown cleanly');
}

function unixStatus(socketPath: string, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request({ socketPath, method, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', reject);
    r.end();
  });
}

describe.skipIf(!built)('restora rest-server under systemd socket activation', () => {
  it('LISTEN_FDS=1 with our LISTEN_PID: serves the passed TCP socket and ignores --listen', async () => {
    const socket = await listening({ port: 0, host: '127.0.0.1' });
    const { port } = socket.address() as { port: number };
    const unused = join(tmp(), 'missing-dir', 'rs.sock'); // --listen here would fail: no such directory
    const p = launch(['--path', tmp(), '--no-auth', '--listen', `unix:${unused}`], { LISTEN_FDS: '1' }, [
      socket.fd,
    ]);
    await closeServer(socket); // from now on only the child accepts on it
    expect(await p.started).toBe(`127.0.0.1:${port}`);
    expect(p.stderr()).toContain('systemd socket activation mode');

    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/r/?create=true`, { method: 'POST' })).status).toBe(200);
    const body = randomBytes(5000);
    const id = createHash('sha256').update(body).digest('hex');
    expect((await fetch(`${base}/r/data/${id}`, { method: 'POST', body })).status).toBe(200);
    const list = await fetch(`${base}/r/data/`, { headers: { Accept: V2 } });
    expect(await list.json()).toEqual([{ name: id, size: 5000 }]);
    expect(existsSync(unused)).toBe(false);
    await stop(p);
  });

  it('a passed unix socket is served and stays in place after shutdown (systemd owns it)', async () => {
    const sock = join(tmp(), 'rs.sock');
    const socket = await listening({ path: sock });
    const unused = join(tmp(), 'missing-dir', 'other.sock');
    const p = launch(['--path', tmp(), '--no-auth', '--listen', `unix:${unused}`], { LISTEN_FDS: '1' }, [
      socket.fd,
    ]);
    // Closing our copy unlinks the path it bound: move the file aside meanwhile (the socket stays bound).
    renameSync(sock, `${sock}.aside`);
    await closeServer(socket);
    renameSync(`${sock}.aside`, sock);
    expect(await p.started).toBe(sock);
    expect(await unixStatus(sock, 'POST', '/r/?create=true')).toBe(200);
    expect(await unixStatus(sock, 'GET', '/r/keys/')).toBe(200);
    await stop(p);
    expect(existsSync(sock)).toBe(true);
  });

  it('LISTEN_FDS=2: exits 1 with a one-line error, no stack trace', async () => {
    const a = await listening({ port: 0, host: '127.0.0.1' });
    const b = await listening({ port: 0, host: '127.0.0.1' });
    const p = launch(['--path', tmp(), '--no-auth', '--listen', '127.0.0.1:0'], { LISTEN_FDS: '2' }, [
      a.fd,
      b.fd,
    ]);
    await Promise.all([closeServer(a), closeServer(b)]);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain('unable to listen: got 2 listeners from systemd, expected one\n');
    expect(p.stderr()).not.toMatch(/^\s+at /m);
    expect(p.stderr()).not.toContain('start server on');
  });

  it('a LISTEN_PID of another process: the fd is ignored and --listen is used', async () => {
    const socket = await listening({ port: 0, host: '127.0.0.1' });
    const { port } = socket.address() as { port: number };
    const env = { LISTEN_FDS: '1', LISTEN_PID: String(process.pid) }; // this test runner, not the child
    const p = launch(['--path', tmp(), '--no-auth', '--listen', '127.0.0.1:0'], env, [socket.fd]);
    await closeServer(socket);
    const address = await p.started;
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(address).not.toBe(`127.0.0.1:${port}`);
    expect(p.stderr()).not.toContain('systemd socket activation mode');
    expect((await fetch(`http://${address}/r/?create=true`, { method: 'POST' })).status).toBe(200);
    await stop(p);
  });
});
