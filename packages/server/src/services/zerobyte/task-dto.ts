// Zerobyte TaskDto (§6) and the mapping of engine operations (oplog) onto it.
import type { Operation } from '@restora/proto';
import { OperationStatus } from '@restora/proto';
import { SCRUB_MESSAGE } from '../../oplog/emitter.js';
import { jobViewOf } from '../../tasks/job.js';
import { shortIdOf } from './ids.js';

export type TaskStatus = 'queued' | 'running' | 'cancelling' | 'cancelled' | 'succeeded' | 'failed' | 'stale';

export interface TaskDto {
  id: string;
  kind: string;
  status: TaskStatus;
  resourceType: 'backup_schedule' | 'repository';
  resourceId: string;
  operationKey: string;
  targetAgentId: null;
  input: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  error: string | null;
  cancellationRequested: boolean;
  createdAt: number;
  startedAt: number | null;
  updatedAt: number;
  finishedAt: number | null;
}

export const ACTIVE: readonly TaskStatus[] = ['queued', 'running', 'cancelling'];

/** Error of a stale task that has no message of its own. */
export const INTERRUPTED_MESSAGE = 'Restora was restarted before this task completed';

const KIND: Record<string, string> = {
  operationBackup: 'backup',
  operationForget: 'forget',
  operationRestore: 'restore',
  operationPrune: 'prune',
  operationCheck: 'check',
  operationStats: 'stats',
  operationIndexSnapshot: 'indexSnapshots',
  operationRunCommand: 'runCommand',
  operationRunHook: 'runHook',
};

/**
 * Interrupted, not ended: stopped by a shutdown (SYSTEM_CANCELLED) or left running by a crash (the startup
 * scrub's ERROR). Zerobyte reports such tasks as `stale` ("interrupted tasks become stale on restart").
 */
export const isInterrupted = (op: Operation) =>
  op.status === OperationStatus.STATUS_SYSTEM_CANCELLED ||
  (op.status === OperationStatus.STATUS_ERROR && op.displayMessage.startsWith(SCRUB_MESSAGE));

/** The one mapping of an op's status onto Zerobyte's task status (the history outcome derives from it). */
function statusOf(op: Operation): TaskStatus {
  if (isInterrupted(op)) return 'stale';
  switch (op.status) {
    case OperationStatus.STATUS_PENDING:
      return 'queued';
    case OperationStatus.STATUS_INPROGRESS:
      return 'running';
    case OperationStatus.STATUS_SUCCESS:
    case OperationStatus.STATUS_WARNING:
      return 'succeeded';
    case OperationStatus.STATUS_USER_CANCELLED:
      return 'cancelled';
    default:
      return 'failed';
  }
}

export type TaskOutcome = 'success' | 'warning' | 'error' | 'cancelled' | 'stale' | 'running';

/** History outcome of a finished task. */
export function outcomeOf(t: TaskDto, warning = false): TaskOutcome {
  if (t.status === 'succeeded') return warning ? 'warning' : 'success';
  if (t.status === 'cancelled') return 'cancelled';
  if (t.status === 'stale') return 'stale';
  if (t.status === 'failed') return 'error';
  return 'running';
}

const n = (v: bigint | number | undefined) => Number(v ?? 0);

function progressOf(op: Operation): Record<string, unknown> | null {
  const started = n(op.unixTimeStartMs);
  if (op.op.case === 'operationBackup') {
    const e = op.op.value.lastStatus?.entry;
    if (e?.case === 'status') {
      const s = e.value;
      const elapsed = Math.max(0, (Date.now() - started) / 1000);
      const remaining = s.percentDone > 0 ? (elapsed * (1 - s.percentDone)) / s.percentDone : null;
      return {
        seconds_elapsed: Math.round(elapsed),
        seconds_remaining: remaining === null ? null : Math.round(remaining),
        percent_done: s.percentDone,
        total_files: n(s.totalFiles),
        files_done: n(s.filesDone),
        total_bytes: n(s.totalBytes),
        bytes_done: n(s.bytesDone),
        current_files: s.currentFile,
      };
    }
    if (e?.case === 'summary') {
      // A finished backup reports its totals as 100 %, so a client that missed the live updates still sees them.
      const s = e.value;
      return {
        seconds_elapsed: Math.round(s.totalDuration),
        seconds_remaining: 0,
        percent_done: 1,
        total_files: n(s.totalFilesProcessed),
        files_done: n(s.totalFilesProcessed),
        total_bytes: n(s.totalBytesProcessed),
        bytes_done: n(s.totalBytesProcessed),
        current_files: [],
      };
    }
    return null;
  }
  if (op.op.case === 'operationRestore') {
    const s = op.op.value.lastStatus;
    if (!s) return null;
    return {
      seconds_elapsed: n(s.secondsElapsed),
      percent_done: s.percentDone,
      total_files: n(s.totalFiles),
      files_restored: n(s.filesRestored),
      total_bytes: n(s.totalBytes),
      bytes_restored: n(s.bytesRestored),
    };
  }
  return null;
}

function resultOf(op: Operation): Record<string, unknown> | null {
  if (op.op.case === 'operationBackup') {
    const e = op.op.value.lastStatus?.entry;
    if (e?.case === 'summary') {
      const s = e.value;
      return {
        snapshotId: s.snapshotId,
        filesNew: n(s.filesNew),
        filesChanged: n(s.filesChanged),
        dataAdded: n(s.dataAdded),
        totalFilesProcessed: n(s.totalFilesProcessed),
        totalBytesProcessed: n(s.totalBytesProcessed),
        warning: op.status === OperationStatus.STATUS_WARNING,
      };
    }
  }
  if (op.op.case === 'operationForget') return { removed: op.op.value.forget.map((s) => s.id) };
  return null;
}

/** The one projection of an op onto Zerobyte's task: a job's own view (kind, resource, input, result) when it has one. */
export function opToTask(op: Operation): TaskDto {
  const job = jobViewOf(op);
  const kind = job?.kind ?? KIND[op.op.case ?? ''] ?? 'operation';
  const status = statusOf(op);
  const isSchedule = !job && kind === 'backup' && op.planId !== '' && !op.planId.startsWith('_');
  const start = n(op.unixTimeStartMs);
  const end = n(op.unixTimeEndMs);
  const finished = !ACTIVE.includes(status);
  const resourceType = job?.resourceType ?? (isSchedule ? 'backup_schedule' : 'repository');
  const resourceId =
    job?.resourceId ?? (isSchedule ? shortIdOf('plan', op.planId) : shortIdOf('repo', op.repoId));
  return {
    id: String(op.id),
    kind,
    status,
    resourceType,
    resourceId,
    operationKey: job ? `${kind}:${resourceId}` : `${kind}:${isSchedule ? op.planId : op.repoId}`,
    targetAgentId: null,
    input: job?.input ?? {
      repoId: op.repoId,
      planId: op.planId,
      ...(op.snapshotId ? { snapshotId: op.snapshotId } : {}),
    },
    progress: job?.progress ?? progressOf(op),
    result: finished ? (job?.result ?? resultOf(op)) : null,
    error:
      status === 'failed'
        ? op.displayMessage || 'failed'
        : status === 'stale'
          ? op.displayMessage || INTERRUPTED_MESSAGE
          : null,
    // a cancelled task was asked to stop (through either API)
    cancellationRequested: status === 'cancelled',
    createdAt: start,
    startedAt: status === 'queued' ? null : start,
    updatedAt: end || start,
    finishedAt: finished ? end || start : null,
  };
}

export const isWarningOp = (op: Operation) => op.status === OperationStatus.STATUS_WARNING;
