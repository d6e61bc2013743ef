// Backups as they end, each reported once: what mirrors and retries react to.
import { OperationStatus } from '@restora/proto';
import type { Operation } from '@restora/proto';
import type { OpLog } from '../../oplog/types.js';

const SEEN_MAX = 10_000;

/**
 * Calls `onEnded` once per backup op that ends good (SUCCESS/WARNING) or failed (ERROR); a user's cancel is
 * neither. Returns the unsubscribe function.
 */
export function onEndedBackups(oplog: OpLog, onEnded: (op: Operation, good: boolean) => void): () => void {
  const seen = new Set<bigint>();
  return oplog.subscribe((e) => {
    if (e.type !== 'updated') return;
    for (const op of e.operations) {
      if (op.op.case !== 'operationBackup' || seen.has(op.id)) continue;
      const good =
        op.status === OperationStatus.STATUS_SUCCESS || op.status === OperationStatus.STATUS_WARNING;
      if (!good && op.status !== OperationStatus.STATUS_ERROR) continue;
      seen.add(op.id);
      if (seen.size > SEEN_MAX) seen.delete(seen.values().next().value as bigint);
      onEnded(op, good);
    }
  });
}
