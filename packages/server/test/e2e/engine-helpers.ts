import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperationStatus } from '@restora/proto';
import { openConfigStore } from '../../src/config/index.js';
import { composeEngine } from '../../src/compose-engine.js';
import type { EngineOptions } from '../../src/engine.js';
import { SqliteOpLog } from '../../src/oplog/index.js';
import { MemoryLogStore } from '../../src/tasks/testing/memory-logs.js';

export const RESTIC = '/usr/bin/restic';
export const PASSWORD = 'e2e-secret';

/** A temp dir with source data, a repo path, a config file and an oplog. */
export function workspace(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `restora-${prefix}-`));
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'a.txt'), 'alpha\n');
  writeFileSync(join(src, 'b.txt'), 'bravo\n');
  return {
    dir,
    src,
    repo: join(dir, 'repo'),
    configFile: join(dir, 'config', 'config.json'),
    oplogFile: join(dir, 'data', 'oplog.sqlite'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function writeConfig(file: string, config: Record<string, unknown>): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({ version: 6, instance: 'e2e-host', auth: { disabled: true }, ...config }, null, 2),
    {
      mode: 0o600,
    },
  );
}

/** Runs the real restic against a repo (for assertions independent of the engine). */
export function resticJson<T>(repo: string, ...args: string[]): T {
  const out = execFileSync(RESTIC, [...args, '--json'], {
    env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD },
    encoding: 'utf8',
  });
  return JSON.parse(out) as T;
}

export function resticLocks(repo: string): string[] {
  return execFileSync(RESTIC, ['list', 'locks', '--no-lock'], {
    env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: PASSWORD },
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
}

export function openEngine(ws: ReturnType<typeof workspace>, extra: Partial<EngineOptions> = {}) {
  const config = openConfigStore({ file: ws.configFile });
  const oplog = SqliteOpLog.open({ file: ws.oplogFile });
  const logs = new MemoryLogStore();
  const engine = composeEngine({
    config,
    oplog,
    logs,
    restic: { binaryPath: RESTIC, scratchDir: join(ws.dir, 'scratch') },
    gcDelayMs: false,
    log: () => {},
    ...extra,
  });
  return {
    config,
    oplog,
    logs,
    engine,
    close: async () => {
      await engine.stop();
      oplog.close();
    },
  };
}

export function isFinished(s: OperationStatus): boolean {
  return s !== OperationStatus.STATUS_PENDING && s !== OperationStatus.STATUS_INPROGRESS;
}

export async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
