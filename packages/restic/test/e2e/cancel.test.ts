import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResticError, type Restic } from '@restora/restic';
import { newRestic, tempDir } from './helpers.js';

let tmp: { path: string; cleanup: () => Promise<void> };
let restic: Restic;
let data: string;

beforeAll(async () => {
  tmp = await tempDir('cancel');
  data = join(tmp.path, 'data.bin');
  // 4 MB of incompressible data uploaded at 256 KiB/s: ~16 s of backup, cancelled long before the end.
  await writeFile(data, randomBytes(4 * 1024 * 1024));
  restic = newRestic(join(tmp.path, 'repo'), { cacheDir: join(tmp.path, 'cache') });
  await restic.init();
});
afterAll(async () => tmp.cleanup());

async function cancelRunningBackup(r: Restic): Promise<ResticError> {
  const ac = new AbortController();
  const started = Date.now();
  const result = r
    .backup({
      paths: [data],
      signal: ac.signal,
      // Cancel once restic has started uploading (its lock is in place by then).
      onProgress: (m) => {
        if (m.messageType === 'status' && (m.bytesDone ?? 0) > 0) ac.abort();
      },
    })
    .catch((e: unknown) => e);
  const err = await result;
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(err).toBeInstanceOf(ResticError);
  return err as ResticError;
}

describe('cancelling a backup', () => {
  it('SIGINT: restic cleans up, no stale lock, prune runs without unlock', async () => {
    const slow = restic.with({ limitUpload: 256 });
    const err = await cancelRunningBackup(slow);
    expect(err.code).toBe('interrupted');
    expect(await restic.list('locks', { noLock: true })).toEqual([]);
    await expect(restic.prune()).resolves.toBeDefined();
  });

  it('SIGKILL after the grace period: the stale lock is removed automatically', async () => {
    // Grace 0 ms: SIGKILL follows SIGINT immediately, so restic cannot remove its own lock.
    const slow = restic.with({ limitUpload: 256, cancelGraceMs: 0 });
    const err = await cancelRunningBackup(slow);
    expect(err.code).toBe('interrupted');
    expect(err.message).toMatch(/killed/);
    expect(await restic.list('locks', { noLock: true })).toEqual([]);
    await expect(restic.prune()).resolves.toBeDefined();
  });

  it('SIGINT at any early moment (even while restic takes its lock) leaves no lock', async () => {
    const slow = restic.with({ limitUpload: 256 });
    for (const delayMs of [0, 5, 15, 30, 60, 120, 250]) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), delayMs);
      const err = await slow.backup({ paths: [data], signal: ac.signal }).catch((e: unknown) => e);
      clearTimeout(timer);
      expect((err as ResticError).code, `cancel after ${delayMs} ms`).toBe('interrupted');
      expect(await restic.list('locks', { noLock: true }), `locks after a cancel at ${delayMs} ms`).toEqual(
        [],
      );
    }
  });

  it('an already aborted signal never starts restic', async () => {
    const err = await restic.snapshots({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((err as ResticError).code).toBe('interrupted');
  });

  it('breaking out of backupStream cancels the backup', async () => {
    const stream = restic.with({ limitUpload: 256 }).backupStream({ paths: [data] });
    for await (const m of stream) {
      if (m.messageType === 'status' && (m.bytesDone ?? 0) > 0) break;
    }
    await expect(stream.result).rejects.toMatchObject({ code: 'interrupted' });
    expect(await restic.list('locks', { noLock: true })).toEqual([]);
  });
});
