import { create } from '@bufbuild/protobuf';
import {
  BackupProgressEntrySchema,
  BackupProgressErrorSchema,
  BackupProgressStatusEntrySchema,
  OperationBackupSchema,
  OperationSchema,
  OperationStatus,
} from '@restora/proto';
import type { OperationBackup } from '@restora/proto';
import { Condition } from '../hooks/conditions.js';
import { isScheduleEnabled } from '../scheduler/schedule.js';
import { errorMessage, instanceTag, planTag, retentionToFlags, summaryToProto } from './convert.js';
import { shlexSplit } from '../config/shlex.js';
import { backupStartLine, backupSummaryLines } from './task-log-lines.js';
import type { TaskHandler, TaskResult } from './types.js';

const MAX_ERRORS = 20;
export const PARTIAL_MESSAGE = 'Partial backup, some files may not have been read completely.';
export const NO_SNAPSHOT_MESSAGE = 'No snapshot added, possibly due to no changes in the source data.';
export const DRY_RUN_MESSAGE = 'Dry run backup, not saved in repo';

export const backupTask: TaskHandler<'backup'> = {
  kind: 'backup',
  prototype: (task) =>
    create(OperationSchema, {
      planId: task.planId,
      op: { case: 'operationBackup', value: create(OperationBackupSchema, { dryRun: !!task.dryRun }) },
    }),
  async run(task, rt): Promise<TaskResult> {
    const plan = rt.plan!;
    const repo = rt.repo!;
    const started = rt.now();
    const backupOf = (op: { op: { case?: string; value?: unknown } }) => op.op.value as OperationBackup;

    await rt.fireHooks([Condition.SNAPSHOT_START]);
    rt.log.write(
      backupStartLine({ planId: plan.id, repoId: repo.id, paths: plan.paths, dryRun: !!task.dryRun }),
    );

    const seenErrors = new Set<string>();
    let result;
    try {
      await rt.beforeBackup?.(); // inside the try: a failing pre-backup webhook fires the error hooks
      const restic = rt.restic();
      if (repo.autoUnlock) await restic.unlock({ signal: rt.signal });
      result = await restic.backup({
        paths: plan.paths,
        excludes: plan.excludes,
        iexcludes: plan.iexcludes,
        tags: [planTag(plan.id), instanceTag(rt.instanceId)],
        flags: plan.backupFlags.flatMap((f) => shlexSplit(f)),
        dryRun: !!task.dryRun,
        signal: rt.signal,
        onEvent: (e) => {
          if (e.type === 'line') {
            rt.log.write(`${e.line}\n`);
          } else if (e.type === 'status') {
            rt.update(
              (op) => {
                backupOf(op).lastStatus = create(BackupProgressEntrySchema, {
                  entry: {
                    case: 'status',
                    value: create(BackupProgressStatusEntrySchema, {
                      percentDone: e.percentDone,
                      totalFiles: BigInt(e.totalFiles ?? 0),
                      totalBytes: BigInt(e.totalBytes ?? 0),
                      filesDone: BigInt(e.filesDone ?? 0),
                      bytesDone: BigInt(e.bytesDone ?? 0),
                      currentFile: e.currentFiles ?? [],
                    }),
                  },
                });
              },
              { throttle: true },
            );
          } else {
            rt.log.write(`error: ${e.message}\n`);
            const key = `${e.item ?? ''}\u0000${e.message}`;
            if (seenErrors.has(key) || seenErrors.size >= MAX_ERRORS) return;
            seenErrors.add(key);
            rt.update((op) => {
              backupOf(op).errors.push(
                create(BackupProgressErrorSchema, {
                  item: e.item ?? '',
                  during: e.during ?? '',
                  message: e.message,
                }),
              );
            });
          }
        },
      });
    } catch (err) {
      if (rt.signal.aborted) throw err;
      await rt.fireHooks([Condition.SNAPSHOT_ERROR, Condition.ANY_ERROR, Condition.SNAPSHOT_END], {
        error: errorMessage(err),
        durationMs: rt.now() - started,
      });
      throw err;
    }

    const snapshotId = task.dryRun ? '' : (result.snapshotId ?? '');
    const summary = summaryToProto(result, snapshotId);
    rt.log.write(backupSummaryLines(result, snapshotId, !!task.dryRun));
    rt.update((op) => {
      op.snapshotId = snapshotId;
      backupOf(op).lastStatus = create(BackupProgressEntrySchema, {
        entry: { case: 'summary', value: summary },
      });
    });

    const events: number[] = [result.incomplete ? Condition.SNAPSHOT_WARNING : Condition.SNAPSHOT_SUCCESS];
    if (!snapshotId) events.push(Condition.SNAPSHOT_SKIPPED);
    events.push(Condition.SNAPSHOT_END);
    await rt.fireHooks(events, {
      snapshotId,
      snapshotStats: summary as unknown as Record<string, unknown>,
      durationMs: rt.now() - started,
      ...(result.incomplete
        ? { error: `partial backup, ${seenErrors.size} files may not have been read completely.` }
        : {}),
    });

    if (snapshotId) {
      rt.followUp({ task: { kind: 'index-snapshots', repoId: repo.id } });
      const repoForgetScheduled = isScheduleEnabled(repo.forgetPolicy?.schedule);
      if (retentionToFlags(plan.retention) && !repoForgetScheduled) {
        rt.followUp({ task: { kind: 'forget', repoId: repo.id, planId: plan.id } });
      }
    }

    if (task.dryRun) return { message: DRY_RUN_MESSAGE };
    if (result.incomplete) return { status: OperationStatus.STATUS_WARNING, message: PARTIAL_MESSAGE };
    if (!snapshotId) return { message: NO_SNAPSHOT_MESSAGE };
    return {};
  },
};
