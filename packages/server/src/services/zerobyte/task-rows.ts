// One-time move of the job rows older versions kept in rest-api.sqlite (kind 'task') into the oplog, where every
// task now lives; a job whose repository is gone is dropped.
import { create } from '@bufbuild/protobuf';
import { OperationRunCommandSchema, OperationSchema, OperationStatus } from '@restora/proto';
import type { JobView } from '../../tasks/job.js';
import type { ZbContext } from './context.js';
import { shortIdOf } from './ids.js';
import { ACTIVE, INTERRUPTED_MESSAGE, type TaskDto } from './task-dto.js';

interface OldRow {
  dto: TaskDto;
  warning?: boolean;
  /** Set for restores, which already recorded their own op. */
  opId?: string;
}

function statusOf(row: OldRow): OperationStatus {
  const s = row.dto.status;
  if (s === 'succeeded') return row.warning ? OperationStatus.STATUS_WARNING : OperationStatus.STATUS_SUCCESS;
  if (s === 'cancelled') return OperationStatus.STATUS_USER_CANCELLED;
  if (s === 'failed') return OperationStatus.STATUS_ERROR;
  return OperationStatus.STATUS_SYSTEM_CANCELLED; // stale, or active when the old process ended
}

/** Converts every old 'task' row into an op (restores' rows only go: their op exists); returns how many moved. */
export function migrateTaskRows(ctx: ZbContext): number {
  const rows = ctx.meta.list<OldRow>('task');
  if (!rows.length) return 0;
  const config = ctx.config.get();
  let moved = 0;
  for (const { key, value } of rows) {
    const { dto } = value;
    // a mirror copy's resource is `<schedule>:<mirror repo>`: the op belongs to the mirror
    const repoShortId = dto.resourceId.split(':').at(-1);
    const repo = config.repos.find((r) => shortIdOf('repo', r.id) === repoShortId);
    if (!value.opId && repo && config.instance) {
      const view: JobView = {
        kind: dto.kind,
        resourceType: dto.resourceType,
        resourceId: dto.resourceId,
        input: dto.input,
        progress: dto.progress,
        result: dto.result,
      };
      const interrupted = ACTIVE.includes(dto.status) || dto.status === 'stale';
      const op = create(OperationSchema, {
        repoId: repo.id,
        repoGuid: repo.guid,
        planId: '_system_',
        instanceId: config.instance,
        status: statusOf(value),
        unixTimeStartMs: BigInt(dto.startedAt ?? dto.createdAt),
        unixTimeEndMs: BigInt(dto.finishedAt ?? dto.updatedAt),
        displayMessage: interrupted ? (dto.error ?? INTERRUPTED_MESSAGE) : (dto.error ?? ''),
        zerobyteTask: JSON.stringify(view),
        op: {
          case: 'operationRunCommand',
          value: create(OperationRunCommandSchema, { command: `zerobyte ${dto.kind}` }),
        },
      });
      try {
        ctx.oplog.add(op);
        moved++;
      } catch {
        // an op the oplog refuses is dropped with its row: history only
      }
    }
    ctx.meta.delete('task', key);
  }
  return moved;
}
