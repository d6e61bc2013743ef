// Startup scrub decisions, shared by both stores (the store applies them).
import { OperationStatus, type Operation } from '@restora/proto';
import { SCRUB_MESSAGE } from './emitter.js';
import type { ScrubOptions, ScrubResult } from './types.js';

/** `unfinished`: this instance's ops with status UNKNOWN, PENDING or INPROGRESS. */
export function scrubOps(unfinished: readonly Operation[], options: ScrubOptions): ScrubResult {
  const nowMs = BigInt(options.nowMs ?? Date.now());
  const failed: Operation[] = [];
  const deletedIds: bigint[] = [];
  const repos = new Map<string, { repoId: string; repoGuid: string }>();
  for (const op of unfinished) {
    if (op.status === OperationStatus.STATUS_INPROGRESS) {
      op.status = OperationStatus.STATUS_ERROR;
      op.displayMessage = op.displayMessage ? `${SCRUB_MESSAGE}\n${op.displayMessage}` : SCRUB_MESSAGE;
      if (op.unixTimeEndMs === 0n) op.unixTimeEndMs = nowMs > op.unixTimeStartMs ? nowMs : op.unixTimeStartMs;
      failed.push(op);
      repos.set(`${op.repoId}\0${op.repoGuid}`, { repoId: op.repoId, repoGuid: op.repoGuid });
    } else if (op.status === OperationStatus.STATUS_UNKNOWN || !options.keepPending) {
      deletedIds.push(op.id);
    }
  }
  return { failed, deletedIds, affectedRepos: [...repos.values()] };
}
