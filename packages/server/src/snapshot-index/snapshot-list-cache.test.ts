// The snapshot list cache against an oplog: ops that may change a repository's snapshots drop its list, indexing
// ops (which only read) do not.
import { describe, expect, it } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { kindOp } from '../oplog/test-ops.js';
import { SNAPSHOT_INDEX_JOB } from './indexer.js';
import { SnapshotListCache } from './snapshot-list-cache.js';

describe('SnapshotListCache', () => {
  it('reloads after a command or forget on the repo, not after an indexing op', async () => {
    const oplog = new MemoryOpLog();
    const cache = new SnapshotListCache<string>(oplog, () => 0);
    let loads = 0;
    const list = () => cache.get('repo1', async () => [`list ${++loads}`]);
    expect(await list()).toEqual(['list 1']);
    const indexing = kindOp('operationRunCommand');
    indexing.zerobyteTask = JSON.stringify({ kind: SNAPSHOT_INDEX_JOB });
    oplog.add(indexing);
    expect(await list()).toEqual(['list 1']);
    oplog.add(kindOp('operationRunCommand'));
    expect(await list()).toEqual(['list 2']);
    oplog.add(kindOp('operationForget', { repoId: 'other' }));
    expect(await list()).toEqual(['list 2']);
    oplog.add(kindOp('operationForget'));
    expect(await list()).toEqual(['list 3']);
    cache.close();
  });
});
