import { describe, expect, it } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { backupOp, indexSnapshotOp } from '../oplog/test-ops.js';
import { DownloadService } from './download-service.js';

describe('DownloadService', () => {
  it('signs links for snapshot ops only and verifies them', async () => {
    const oplog = new MemoryOpLog();
    const [snap, backup] = oplog.add(indexSnapshotOp({ snapshotId: 'a'.repeat(64) }), backupOp());
    const svc = new DownloadService(oplog);
    const url = await svc.url(snap!.id, '/home/u/file.txt');
    const token = /^\.\/download\/([^/]+)\/$/.exec(url)?.[1];
    expect(token).toBeTruthy();
    const t = await svc.resolve(token!);
    expect([t.kind, t.filePath, t.op.id]).toEqual(['snapshot', '/home/u/file.txt', snap!.id]);
    await expect(svc.url(backup!.id, '/')).rejects.toMatchObject({ kind: 'invalid_argument' });
    await expect(svc.url(999n, '/')).rejects.toMatchObject({ kind: 'not_found' });
    await expect(svc.resolve(`${token!.slice(0, -2)}xx`)).rejects.toMatchObject({
      kind: 'permission_denied',
    });
    // Another process (another key) cannot forge or reuse links.
    await expect(new DownloadService(oplog).resolve(token!)).rejects.toMatchObject({
      kind: 'permission_denied',
    });
    oplog.delete(snap!.id);
    await expect(svc.resolve(token!)).rejects.toMatchObject({ kind: 'not_found' });
  });
});
