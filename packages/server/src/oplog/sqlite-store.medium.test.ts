// SQLite-specific behaviour: persistence, the data-dir lock against other processes, recovery after kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationStatus } from '@restora/proto';
import { UnavailableError } from '../errors.js';
import { SCRUB_MESSAGE } from './emitter.js';
import { SqliteOpLog } from './sqlite-store.js';
import { backupOp, indexSnapshotOp } from './test-ops.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;
let file: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-sqlite-'));
  file = path.join(dir, 'oplog.sqlite');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SqliteOpLog on disk', () => {
  it('persists ops; ids and modno continue after reopen; the lock is released on close', () => {
    const a = SqliteOpLog.open({ file });
    a.add(backupOp({ planId: 'p' }), backupOp({ planId: 'p' }));
    a.close();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    const b = SqliteOpLog.open({ file });
    expect(b.query({ planId: 'p' }).map((o) => o.id)).toEqual([1n, 2n]);
    const [next] = b.add(backupOp());
    expect(next!.id).toBe(3n);
    expect(next!.modno).toBe(3n);
    expect(b.currentModno()).toBe(3n);
    b.close();
  });

  it('refuses a second open of the same data dir in this process', () => {
    const a = SqliteOpLog.open({ file });
    expect(() => SqliteOpLog.open({ file })).toThrow(UnavailableError);
    a.close();
    SqliteOpLog.open({ file }).close();
  });

  it('refuses while another live process holds the lock, with a clear message; takes over a dead one', async () => {
    const other = spawn('sleep', ['30']);
    children.push(other);
    fs.writeFileSync(
      `${file}.lock`,
      JSON.stringify({ pid: other.pid, hostname: os.hostname(), startedAt: '2026-01-01T00:00:00Z' }),
    );
    expect(() => SqliteOpLog.open({ file })).toThrow(
      new RegExp(
        `the oplog is locked by another Restora process \\(pid ${other.pid} .*stop it or use another --data-dir`,
      ),
    );
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const log = SqliteOpLog.open({ file });
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    log.close();
  });

  it('after kill -9 of the owning process, reopens and the scrub fails the interrupted op', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=restora-source', '--import', 'tsx', path.join(here, 'testdata', 'crash-child.ts'), file],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(child);
    const id = await new Promise<bigint>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        const m = /ready (\d+)/.exec(d.toString());
        if (m) resolve(BigInt(m[1]!));
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    expect(() => SqliteOpLog.open({ file })).toThrow(/locked by another Restora process/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const log = SqliteOpLog.open({ file });
    const res = log.scrub('inst');
    expect(res.affectedRepos).toEqual([{ repoId: 'crashed-repo', repoGuid: 'guid-crashed-repo' }]);
    const op = log.getOrThrow(id);
    expect(op.status).toBe(OperationStatus.STATUS_ERROR);
    expect(op.displayMessage).toBe(SCRUB_MESSAGE);
    log.close();
  }, 20_000);
});

describe('SqliteOpLog.importBulk', () => {
  it('stores everything with the same rules as add, and every index and counter works afterwards', () => {
    const log = SqliteOpLog.open({ file });
    log.add(backupOp({ planId: 'before' }));
    const batches = [
      [backupOp({ planId: 'p', startMs: 1000 }), indexSnapshotOp({ planId: 'p', snapshotId: 's1' })],
      [indexSnapshotOp({ planId: 'p', snapshotId: 's2', forgot: true })],
    ];
    expect(log.importBulk(batches)).toBe(3);
    expect(log.query({ planId: 'p' }).map((o) => o.id)).toEqual([2n, 3n, 4n]);
    expect(log.currentModno()).toBe(4n);
    expect(log.lastFinishedBackup({ planId: 'p', instanceId: 'inst' })?.id).toBe(2n);
    expect(log.summaries({ groupBy: 'plan', ids: ['p'], nowMs: 2000 })[0]!.totalSnapshots).toBe(1);
    log.add(indexSnapshotOp({ planId: 'p', snapshotId: 's3' }));
    expect(log.summaries({ groupBy: 'plan', ids: ['p'], nowMs: 2000 })[0]!.totalSnapshots).toBe(2);
    const bad = backupOp({ planId: '' });
    expect(() => log.importBulk([[backupOp({ planId: 'q' }), bad]])).toThrow(/planId/);
    expect(log.count({ planId: 'q' })).toBe(0);
    expect(log.add(backupOp())[0]!.id).toBe(6n);
    log.close();
  });
});
