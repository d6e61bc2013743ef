// Backup, DoRepoTask, Forget, Restore, Cancel, RunCommand: thin use-cases over the engine.
import { DoRepoTaskRequest_Task } from '@restora/proto';
import type { Engine, RepoTaskKind } from '../engine.js';
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from '../errors.js';
import type { ServerFeatures } from '../config/features.js';
import { restoreTarget, snapshotPath } from '../tasks/snapshot-path.js';

const REPO_TASKS: Partial<Record<DoRepoTaskRequest_Task, RepoTaskKind>> = {
  [DoRepoTaskRequest_Task.INDEX_SNAPSHOTS]: 'index-snapshots',
  [DoRepoTaskRequest_Task.PRUNE]: 'prune',
  [DoRepoTaskRequest_Task.CHECK]: 'check',
  [DoRepoTaskRequest_Task.STATS]: 'stats',
  [DoRepoTaskRequest_Task.UNLOCK]: 'unlock',
  [DoRepoTaskRequest_Task.FORGET]: 'forget',
};

type TaskEngine = Pick<
  Engine,
  'backup' | 'runRepoTask' | 'forget' | 'restore' | 'cancel' | 'runCommand' | 'runBackup'
>;

export class TaskService {
  constructor(
    private readonly engine: TaskEngine,
    private readonly features: ServerFeatures,
  ) {}

  /** Blocks until the backup finishes (Backrest's contract); resolves with the op id. */
  async backup(planId: string, dryRun: boolean): Promise<bigint> {
    if (!planId) throw new InvalidArgumentError('plan id ("value") is required');
    const op = await this.engine.backup(planId, { dryRun });
    return op.id;
  }

  async repoTask(repoId: string, task: DoRepoTaskRequest_Task): Promise<bigint> {
    const kind = REPO_TASKS[task];
    if (!kind) throw new InvalidArgumentError(`unknown repo task ${String(task)}`);
    return this.engine.runRepoTask(repoId, kind);
  }

  forget(repoId: string, planId: string, snapshotId: string): bigint {
    const h = this.engine.forget({ repoId, planId, ...(snapshotId ? { snapshotId } : {}) });
    return h.op?.id ?? 0n;
  }

  restore(a: { repoId: string; planId: string; snapshotId: string; path: string; target: string }): bigint {
    // `..` never leaves the snapshot root or the target (an empty target keeps Backrest's default)
    const path = snapshotPath('path', a.path.trim());
    const target = a.target.trim() ? restoreTarget('target', a.target.trim()) : '';
    const h = this.engine.restore({ ...a, path, target });
    return h.op?.id ?? 0n;
  }

  cancel(opId: bigint): void {
    this.engine.cancel(opId);
  }

  /** Runs `restic <command>` and resolves when it exits with the op id (output in the op's logref). */
  async runCommand(repoId: string, command: string): Promise<bigint> {
    if (!this.features.runCommand)
      throw new PermissionDeniedError('RunCommand is disabled on this server (locked-down install)');
    const h = this.engine.runCommand(repoId, command);
    const op = await h.done;
    const id = op?.id ?? h.op?.id;
    if (id === undefined) throw new NotFoundError('command operation vanished');
    return id;
  }
}
