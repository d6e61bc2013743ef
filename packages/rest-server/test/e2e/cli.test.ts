// Spawns `restora rest-server` from source (node --import tsx packages/cli/src/main.ts) and checks flags/defaults.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { V2, basic, cleanup, tmp } from '../helpers.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const main = join(root, 'packages/cli/src/main.ts');
const nodeArgs = ['--conditions=restora-source', '--import', 'tsx', main, 'rest-server'];
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await cleanup();
});

function runSync(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Running {
  child: ChildProcess;
  address: string;
  stderr: () => string;
  stdout: () => string;
}

function start(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  let err = '';
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolvePromise, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /^start server on (.*)$/m.exec(err);
      if (m?.[1]) resolvePromise({ child, address: m[1], stderr: () => err, stdout: () => out });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

const exited = (c: ChildProcess): Promise<number | null> =>
  new Promise((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

describe('restora rest-server command', () => {
  it('shows rest-server defaults in --help and its version with -v', () => {
    const help = runSync(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain(`(default: "${join(tmpdir(), 'restic')}")`);
    expect(help.out).toContain('(default: ":8000")');
    for (const flag of [
      '--path',
      '--listen',
      '--log',
      '--debug',
      '--no-auth',
      '--htpasswd-file',
      '--proxy-auth-username',
      '--append-only',
      '--private-repos',
      '--max-size',
      '--no-verify-upload',
      '--prometheus',
      '--prometheus-no-auth',
      '--group-accessible-repos',
      '--tls',
      '--tls-cert',
      '--tls-key',
      '--tls-min-ver',
    ]) {
      expect(help.out).toContain(flag);
    }
    expect(runSync(['-v']).out).toMatch(/^rest-server \d+\.\d+\.\d+ compiled with node v\d+/);
  });

  it('rejects positional arguments, a missing htpasswd and TLS flags without --tls', () => {
    expect(runSync(['extra']).code).not.toBe(0);
    const path = tmp();
    const missing = runSync(['--path', path, '--listen', '127.0.0.1:0']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`cannot load ${join(path, '.htpasswd')} (use --no-auth to disable)`);
    const tls = runSync(['--path', path, '--no-auth', '--tls-key', 'k', '--listen', '127.0.0.1:0']);
    expect([tls.code, tls.err.includes('requires enabled TLS')]).toEqual([1, true]);
  });

  it('serves with flags, logs like rest-server, reloads htpasswd on SIGHUP, shuts down cleanly', async () => {
    const path = tmp();
    const sha = (p: string): string => '{SHA}' + createHash('sha1').update(p).digest('base64');
    writeFileSync(join(path, '.htpasswd'), `u:${sha('one')}\n`);
    const s = await start([
      '--path',
      path,
      '--listen',
      '127.0.0.1:0',
      '--append-only',
      '--log',
      '-',
      '--max-size',
      '100000',
    ]);
    for (const line of [
      `Data directory: ${path}`,
      'Authentication enabled',
      `Loaded htpasswd file ${join(path, '.htpasswd')}`,
      'Append only mode enabled',
      'Private repositories disabled',
      'Group accessible repos disabled',
    ]) {
      expect(s.stderr()).toContain(line);
    }
    const base = `http://${s.address}`;
    expect(
      (await fetch(`${base}/r/?create=true`, { method: 'POST', headers: basic('u', 'one') })).status,
    ).toBe(200);
    expect((await fetch(`${base}/r/config`, { method: 'DELETE', headers: basic('u', 'one') })).status).toBe(
      403,
    );
    writeFileSync(join(path, '.htpasswd'), `u:${sha('two')}\n`);
    s.child.kill('SIGHUP');
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetch(`${base}/r/?create=true`, { method: 'POST', headers: basic('u', 'two') })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
    expect(s.stdout()).toMatch(/"POST \/r\/\?create=true HTTP\/1\.1" 200 0/);
    s.child.kill('SIGTERM');
    expect(await exited(s.child)).toBe(0);
    expect(s.stderr()).toContain('shutdown cleanly');
  });

  // The native addon is on by default (built by npm run build); the TypeScript paths must hold without it.
  it.each([
    ['with the native addon', {}],
    ['without it (RESTORA_REST_SERVER_NATIVE=0)', { RESTORA_REST_SERVER_NATIVE: '0' }],
  ])('stores small and streamed uploads intact %s, and refuses a wrong hash', async (_, env) => {
    const path = tmp();
    const s = await start(['--path', path, '--listen', '127.0.0.1:0', '--no-auth'], env);
    expect(s.stderr()).not.toContain('Native addon not built');
    const base = `http://${s.address}/r`;
    expect((await fetch(`${base}/?create=true`, { method: 'POST' })).status).toBe(200);
    for (const size of [0, 65_536, 3_000_000]) {
      const body = randomBytes(size);
      const id = createHash('sha256').update(body).digest('hex');
      expect((await fetch(`${base}/data/${id}`, { method: 'POST', body })).status).toBe(200);
      expect(readFileSync(join(path, 'r', 'data', id.slice(0, 2), id)).equals(body)).toBe(true);
      expect((await fetch(`${base}/data/${id}`, { method: 'POST', body })).status).toBe(403);
      const wrong = Buffer.concat([body, Buffer.from('x')]);
      expect((await fetch(`${base}/keys/${id}`, { method: 'POST', body: wrong })).status).toBe(400);
    }
    expect(readdirSync(join(path, 'r', 'keys'))).toEqual([]);
    s.child.kill('SIGTERM');
    expect(await exited(s.child)).toBe(0);
  });

  // A crash at any moment leaves the repository consistent: an object is either whole under its name or absent.
  it('killed (SIGKILL) in the middle of concurrent uploads, it leaves only whole objects, and serves them after a restart', async () => {
    const path = tmp();
    const s = await start(['--path', path, '--listen', '127.0.0.1:0', '--no-auth']);
    const base = `http://${s.address}/r`;
    expect((await fetch(`${base}/?create=true`, { method: 'POST' })).status).toBe(200);
    let stored = 0;
    const client = async (size: number): Promise<void> => {
      for (;;) {
        const body = randomBytes(size);
        const id = createHash('sha256').update(body).digest('hex');
        const res = await fetch(`${base}/data/${id}`, { method: 'POST', body }).catch(() => undefined);
        if (!res) return; // the server is gone
        if (res.status === 200) stored++;
      }
    };
    // Small objects (native one-job commit) and streamed ones, 12 clients, killed while they run.
    const clients = [...Array(8).fill(65_536), ...Array(4).fill(600_000)].map((size: number) => client(size));
    while (stored < 40) await new Promise((r) => setTimeout(r, 10));
    s.child.kill('SIGKILL');
    await Promise.all(clients);
    const names = readdirSync(join(path, 'r', 'data'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.includes('.rest-server-temp'))
      .map((e) => join(e.parentPath, e.name));
    expect(names.length).toBeGreaterThanOrEqual(stored);
    for (const file of names) {
      const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
      expect(digest, file).toBe(file.slice(file.lastIndexOf('/') + 1));
    }
    const again = await start(['--path', path, '--listen', '127.0.0.1:0', '--no-auth']);
    const list = (await (
      await fetch(`http://${again.address}/r/data/`, { headers: { Accept: V2 } })
    ).json()) as { name: string; size: number }[];
    expect(list.map((o) => o.name).sort()).toEqual(names.map((f) => f.slice(f.lastIndexOf('/') + 1)).sort());
    again.child.kill('SIGTERM');
    expect(await exited(again.child)).toBe(0);
  });

  it('listens on a unix socket, removes it on SIGINT, writes --cpu-profile', async () => {
    const sock = join(tmp(), 'rs.sock');
    const prof = join(tmp(), 'cpu.cpuprofile');
    const s = await start(['--path', tmp(), '--no-auth', '--listen', `unix:${sock}`, '--cpu-profile', prof]);
    expect(s.address).toBe(sock);
    expect(existsSync(sock)).toBe(true);
    s.child.kill('SIGINT');
    expect(await exited(s.child)).toBe(0);
    expect(existsSync(sock)).toBe(false);
    expect(JSON.parse(readFileSync(prof, 'utf8'))).toHaveProperty('nodes');
  });
});
