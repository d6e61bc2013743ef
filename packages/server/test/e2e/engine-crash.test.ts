import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationStatus } from '@restora/proto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isFinished,
  openEngine,
  PASSWORD,
  resticLocks,
  waitFor,
  workspace,
  writeConfig,
} from './engine-helpers.js';
import { spawnFixture } from './fixture-process.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Pids of the direct children of a process (Linux /proc). */
function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(name));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** A source big enough that restic is still reading when we interrupt it (sparse: no disk used). */
function bigWorkspace(name: string) {
  const ws = workspace(name);
  writeFileSync(join(ws.src, 'big.bin'), '');
  truncateSync(join(ws.src, 'big.bin'), 6 * 1024 ** 3);
  writeConfig(ws.configFile, {
    repos: [{ id: 'local', uri: ws.repo, password: PASSWORD, autoInitialize: true }],
    plans: [{ id: 'big', repo: 'local', paths: [ws.src] }],
  });
  return ws;
}

describe('cancel and crash with real restic 0.14', () => {
  const spaces: ReturnType<typeof workspace>[] = [];
  afterAll(() => spaces.forEach((s) => s.cleanup()));

  it('cancelling a running backup sends SIGINT: USER_CANCELLED and no stale lock', async () => {
    const ws = bigWorkspace('cancel');
    spaces.push(ws);
    const h = openEngine(ws, { progressIntervalMs: 100 });
    try {
      await h.engine.start();
      const run = h.engine.runBackup('big');
      const id = run.op!.id;
      await waitFor(() => {
        const op = h.oplog.get(id)!;
        return op.op.case === 'operationBackup' && op.op.value.lastStatus?.entry.case === 'status';
      });
      expect(h.engine.cancel(id)).toBe('running');
      const op = (await run.done)!;
      expect(OperationStatus[op.status]).toBe('STATUS_USER_CANCELLED');
      expect(op.displayMessage).toContain('note: task was cancelled by user request');
      expect(resticLocks(ws.repo)).toEqual([]);
      // an exclusive command succeeds without unlock
      const prune = await h.engine.runRepoTask('local', 'prune');
      await waitFor(() => isFinished(h.oplog.get(prune)!.status));
      expect(OperationStatus[h.oplog.get(prune)!.status]).toBe('STATUS_SUCCESS');
    } finally {
      await h.close();
    }
  });

  it('after kill -9 of a process running a backup, restart marks the op failed and removes our stale lock', async () => {
    const ws = bigWorkspace('crash');
    spaces.push(ws);
    const f = spawnFixture(join(here, 'fixtures', 'engine-child.ts'), [ws.dir, ws.configFile, ws.oplogFile]);
    try {
      await waitFor(
        () => f.out().includes('busy') || f.out().includes('finished') || f.child.exitCode !== null,
        90_000,
      );
      expect(f.out(), f.err()).toContain('busy');
      const resticPids = childPids(f.child.pid!);
      expect(resticPids.length).toBeGreaterThan(0);
      f.killGroup(); // node and restic die without cleanup
      await f.exited;
      // restic only treats a lock as stale once its process is gone; wait until init has reaped the zombie
      await waitFor(() => resticPids.every((pid) => !existsSync(`/proc/${pid}`)), 30_000);
    } finally {
      f.killGroup();
    }
    expect(resticLocks(ws.repo).length).toBeGreaterThan(0); // restic died holding its lock

    const h = openEngine(ws);
    try {
      const report = await h.engine.start();
      expect(report.failedOps).toBe(1);
      expect(report.unlockedRepos).toEqual(['local']);
      expect(resticLocks(ws.repo)).toEqual([]);
      const failed = h.oplog.query({ kinds: ['operationBackup'] })[0]!;
      expect(OperationStatus[failed.status]).toBe('STATUS_ERROR');
      expect(failed.displayMessage).toMatch(/incomplete when orchestrator was restarted/);
      truncateSync(join(ws.src, 'big.bin'), 1024);
      const op = await h.engine.backup('big');
      expect(OperationStatus[op.status]).toBe('STATUS_SUCCESS');
    } finally {
      await h.close();
    }
  });
});
