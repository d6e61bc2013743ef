import { create } from '@bufbuild/protobuf';
import {
  OperationBackupSchema,
  OperationRunCommandSchema,
  OperationSchema,
  OperationStatus,
} from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { scrubOps } from '../../oplog/scrub.js';
import { isWarningOp, opToTask, outcomeOf } from './task-dto.js';

const backup = (status: OperationStatus, displayMessage = '') =>
  create(OperationSchema, {
    id: 7n,
    repoId: 'repo1',
    planId: 'plan1',
    status,
    displayMessage,
    unixTimeStartMs: 1000n,
    unixTimeEndMs: status === OperationStatus.STATUS_INPROGRESS ? 0n : 2000n,
    op: { case: 'operationBackup', value: create(OperationBackupSchema, {}) },
  });

/** Task status, history outcome and error of an op, as the Zerobyte API reports them. */
const reported = (op: ReturnType<typeof backup>) => {
  const t = opToTask(op);
  return { status: t.status, outcome: outcomeOf(t, isWarningOp(op)), error: t.error };
};

describe('Zerobyte task status and outcome of an operation', () => {
  it('maps an op interrupted by a shutdown (SYSTEM_CANCELLED) to stale', () => {
    const note = 'note: task was interrupted by context cancellation or instance shutdown';
    expect(reported(backup(OperationStatus.STATUS_SYSTEM_CANCELLED, note))).toEqual({
      status: 'stale',
      outcome: 'stale',
      error: note,
    });
    expect(reported(backup(OperationStatus.STATUS_SYSTEM_CANCELLED)).error).toBe(
      'Restora was restarted before this task completed',
    );
  });

  it('maps an op left running by a crash (ERROR from the startup scrub) to stale', () => {
    const { failed } = scrubOps([backup(OperationStatus.STATUS_INPROGRESS, 'restic said x')], {
      nowMs: 3000,
    });
    expect(reported(failed[0]!)).toEqual({
      status: 'stale',
      outcome: 'stale',
      error: 'Operation was incomplete when orchestrator was restarted.\nrestic said x',
    });
  });

  it('keeps a user cancel cancelled, a failure failed, and the rest as before', () => {
    const user = 'note: task was cancelled by user request';
    expect(reported(backup(OperationStatus.STATUS_USER_CANCELLED, user))).toEqual({
      status: 'cancelled',
      outcome: 'cancelled',
      error: null,
    });
    expect(reported(backup(OperationStatus.STATUS_ERROR, 'restic: exit 1'))).toEqual({
      status: 'failed',
      outcome: 'error',
      error: 'restic: exit 1',
    });
    expect(reported(backup(OperationStatus.STATUS_WARNING)).outcome).toBe('warning');
    expect(reported(backup(OperationStatus.STATUS_SUCCESS)).outcome).toBe('success');
    expect(reported(backup(OperationStatus.STATUS_INPROGRESS)).status).toBe('running');
    expect(reported(backup(OperationStatus.STATUS_PENDING)).status).toBe('queued');
  });
});

describe("a Zerobyte job's op (zerobyte_task) as a task", () => {
  const job = (status: OperationStatus, view: Record<string, unknown>) =>
    create(OperationSchema, {
      id: 9n,
      repoId: 'repo1',
      planId: '_system_',
      status,
      unixTimeStartMs: 1000n,
      unixTimeEndMs: status === OperationStatus.STATUS_INPROGRESS ? 0n : 2000n,
      zerobyteTask: JSON.stringify(view),
      op: {
        case: 'operationRunCommand',
        value: create(OperationRunCommandSchema, { command: 'restic tag' }),
      },
    });
  const view = {
    kind: 'mirrorSync',
    resourceType: 'backup_schedule',
    resourceId: 'plan1234:repo5678',
    input: { snapshotIds: [] },
    progress: { step: 'copy' },
    result: { copied: 2 },
  };

  it('takes kind, resource, input, progress and result from the view, not from the run-command op', () => {
    expect(opToTask(job(OperationStatus.STATUS_SUCCESS, view))).toMatchObject({
      id: '9',
      kind: 'mirrorSync',
      status: 'succeeded',
      resourceType: 'backup_schedule',
      resourceId: 'plan1234:repo5678',
      operationKey: 'mirrorSync:plan1234:repo5678',
      input: { snapshotIds: [] },
      progress: { step: 'copy' },
      result: { copied: 2 },
      cancellationRequested: false,
    });
    // no result while it runs; a cancelled one was asked to stop
    expect(opToTask(job(OperationStatus.STATUS_INPROGRESS, view)).result).toBeNull();
    expect(opToTask(job(OperationStatus.STATUS_USER_CANCELLED, view)).cancellationRequested).toBe(true);
  });

  it('falls back to the run-command op when the view is damaged', () => {
    const op = job(OperationStatus.STATUS_SUCCESS, view);
    op.zerobyteTask = '{not json';
    expect(opToTask(op)).toMatchObject({ kind: 'runCommand', resourceType: 'repository' });
  });
});
