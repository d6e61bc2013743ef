// `restora serve` as a process: options from env and flags, the printed URL, seed curl lines, SIGTERM shutdown.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curl, PASS, USER, workspace, writeUserConfig } from './api-helpers.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CLI = [
  '--conditions=restora-source',
  '--import',
  'tsx',
  join(ROOT, 'packages/cli/src/main.ts'),
  'serve',
];

describe('restora serve (process)', () => {
  const ws = workspace('cli');
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    ws.cleanup();
  });

  it('names every bad option and exits 2', () => {
    const r = spawnSync(process.execPath, [...CLI, '--log-level', 'loud'], {
      cwd: ROOT,
      env: { ...process.env, RESTORA_PORT: 'nine', RESTORA_LOCKED_DOWN: 'maybe' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '--bind-address (or RESTORA_PORT): must be host:port or port (0-65535), got "nine"',
    );
    expect(r.stderr).toContain('--locked-down (or RESTORA_LOCKED_DOWN): must be true or false, got "maybe"');
    expect(r.stderr).toContain('--log-level (or RESTORA_LOG_LEVEL)');
  });

  it('prints its URL, answers the seed curl line and stops cleanly on SIGTERM', async () => {
    await writeUserConfig(ws);
    child = spawn(process.execPath, [...CLI, '--bind-address', '127.0.0.1:0', '--log-level', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, RESTORA_CONFIG: ws.configFile, RESTORA_DATA: ws.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child?.once('exit', (code) => r(code)));
    const url = await new Promise<string>((res, rej) => {
      const t = setInterval(() => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1]) {
          clearInterval(t);
          res(m[1]);
        }
      }, 100);
      void exited.then(() => rej(new Error(`serve exited early: ${out}`)));
    });
    const r = await curl([
      '-X',
      'POST',
      `${url}/v1.Backrest/GetOperations`,
      '--data',
      '{}',
      '-H',
      'Content-Type: application/json',
      '-u',
      `${USER}:${PASS}`,
    ]);
    expect(r).toEqual({ status: 200, body: '{}' });
    expect(existsSync(join(ws.dataDir, 'oplog.sqlite.lock'))).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM: shutting down');
    expect(existsSync(join(ws.dataDir, 'oplog.sqlite.lock'))).toBe(false);
    expect(out).not.toContain(PASS);
  });
});
