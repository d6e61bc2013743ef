// Callbacks a front-end runs around every backup (Zerobyte's pre/post webhooks), beside the config's own hooks.
import { OperationStatus } from '@restora/proto';
import type { Operation, Plan, Repo } from '@restora/proto';

export type BackupOutcome = 'success' | 'warning' | 'error' | 'cancelled';

export interface BackupHookContext {
  plan: Plan;
  repo: Repo;
  /** The backup's op: id, start time, and `snapshotId` once restic made one. */
  op: Operation;
  /** Writes a line to the op's task log (never put secrets here). */
  log: (line: string) => void;
}

export interface BackupHooks {
  /** Runs before restic; a throw fails the backup with the error's message (restic never starts). */
  before(ctx: BackupHookContext, signal: AbortSignal): Promise<void>;
  /**
   * Runs once the backup's outcome is known (only when `before` succeeded), even after a cancel; returns a
   * problem to record on the op, never throws.
   */
  after(ctx: BackupHookContext & { outcome: BackupOutcome; error?: string }): Promise<string | undefined>;
}

/** The outcome a final op status stands for. */
export function backupOutcomeOf(status: OperationStatus): BackupOutcome {
  switch (status) {
    case OperationStatus.STATUS_SUCCESS:
      return 'success';
    case OperationStatus.STATUS_WARNING:
      return 'warning';
    case OperationStatus.STATUS_USER_CANCELLED:
    case OperationStatus.STATUS_SYSTEM_CANCELLED:
      return 'cancelled';
    default:
      return 'error';
  }
}

/** Records an `after` problem on a final op: a good backup becomes a warning, the message gains the problem. */
export function recordProblem(op: Operation, problem: string): void {
  if (op.status === OperationStatus.STATUS_SUCCESS) op.status = OperationStatus.STATUS_WARNING;
  op.displayMessage = op.displayMessage ? `${op.displayMessage}\n${problem}` : problem;
}
