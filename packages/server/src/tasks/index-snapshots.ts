import { create } from '@bufbuild/protobuf';
import { OperationIndexSnapshotSchema, OperationSchema, OperationStatus } from '@restora/proto';
import type { Operation, OperationIndexSnapshot } from '@restora/proto';
import { snapshotDurationSec, snapshotToProto } from './convert.js';
import type { TaskHandler } from './types.js';

const UNASSOCIATED = '_unassociated_';

const tagValue = (tags: readonly string[] | undefined, prefix: string) =>
  tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length);

/**
 * Mirrors the repository's snapshot list into index-snapshot ops: new snapshots become SUCCESS ops (in the
 * flow of the backup that made them), vanished ones are marked forgot. No op of its own (as in Backrest).
 */
export const indexSnapshotsTask: TaskHandler<'index-snapshots'> = {
  kind: 'index-snapshots',
  prototype: () => null,
  async run(_task, rt) {
    const repo = rt.repo!;
    const snaps = await rt.restic().snapshots({ signal: rt.signal });
    const sel = repo.guid ? { repoGuid: repo.guid } : { repoId: repo.id };
    const existing = rt.oplog.query({ ...sel, kinds: ['operationIndexSnapshot'] });
    const known = new Map<string, Operation>();
    for (const op of existing) known.set(op.snapshotId, op);

    const added: Operation[] = [];
    const live = new Set<string>();
    for (const s of snaps) {
      live.add(s.id);
      const prev = known.get(s.id);
      if (prev) {
        const idx = prev.op.value as OperationIndexSnapshot;
        if (idx.forgot) {
          idx.forgot = false;
          rt.oplog.update(prev);
        }
        continue;
      }
      const start = Date.parse(s.time) || rt.now();
      const backup = rt.oplog.query({ snapshotId: s.id, kinds: ['operationBackup'] })[0];
      added.push(
        create(OperationSchema, {
          repoId: repo.id,
          repoGuid: repo.guid,
          planId: tagValue(s.tags, 'plan:') ?? UNASSOCIATED,
          instanceId: tagValue(s.tags, 'created-by:') ?? UNASSOCIATED,
          snapshotId: s.id,
          flowId: backup?.flowId ?? 0n,
          status: OperationStatus.STATUS_SUCCESS,
          unixTimeStartMs: BigInt(start),
          unixTimeEndMs: BigInt(start + Math.round(snapshotDurationSec(s) * 1000)),
          op: {
            case: 'operationIndexSnapshot',
            value: create(OperationIndexSnapshotSchema, { snapshot: snapshotToProto(s) }),
          },
        }),
      );
    }
    if (added.length) rt.oplog.add(...added);
    const gone = existing.filter(
      (op) => !live.has(op.snapshotId) && !(op.op.value as OperationIndexSnapshot).forgot,
    );
    for (const op of gone) (op.op.value as OperationIndexSnapshot).forgot = true;
    if (gone.length) rt.oplog.update(...gone);
    rt.log.write(`indexed ${snaps.length} snapshots: ${added.length} new, ${gone.length} forgotten\n`);
  },
};
