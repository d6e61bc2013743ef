import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLocalSnapshotId, localRepositoryPath } from './repository.js';

describe('local repository helpers', () => {
  it('recognises local repository strings only', () => {
    expect(localRepositoryPath('/srv/repo')).toBe('/srv/repo');
    expect(localRepositoryPath('local:/srv/repo')).toBe('/srv/repo');
    expect(localRepositoryPath('rel', '/base')).toBe('/base/rel');
    expect(localRepositoryPath('rest:http://h/')).toBeUndefined();
    expect(localRepositoryPath('sftp:u@h:/p')).toBeUndefined();
    expect(localRepositoryPath('s3:s3.amazonaws.com/b')).toBeUndefined();
  });

  it('finds a unique snapshot file by prefix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'restic-repo-'));
    try {
      await mkdir(join(dir, 'snapshots'));
      const id = 'ab'.repeat(32);
      await writeFile(join(dir, 'snapshots', id), '');
      expect(await findLocalSnapshotId(dir, 'abababab')).toBe(id);
      expect(await findLocalSnapshotId(dir, 'ffffffff')).toBeUndefined();
      expect(await findLocalSnapshotId(join(dir, 'missing'), 'ab')).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
