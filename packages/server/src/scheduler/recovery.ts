import { OperationStatus } from '@restora/proto';
import type { Repo } from '@restora/proto';
import type { ConfigStore } from '../config/types.js';
import type { OpLog } from '../oplog/types.js';
import type { ResticJournal } from '../tasks/restic-journal.js';
import type { ResticPort } from '../tasks/restic-port.js';
import type { Task } from '../tasks/types.js';
import type { Clock } from './clock.js';
import type { OpLifecycle } from './lifecycle.js';
import { Priority } from './priority.js';

export interface StartupReport {
  failedOps: number;
  deletedOps: number;
  /** Queued one-off work (restores, commands) carried over from before the restart. */
  adoptedOps: number;
  unlockedRepos: string[];
  initializedRepos: string[];
  problems: string[];
}

export interface RecoveryDeps {
  config: ConfigStore;
  oplog: OpLog;
  clock: Clock;
  resticFor: (repo: Repo) => ResticPort;
  lifecycle: OpLifecycle;
  /** Repos restic was running on when the previous process died (ops or not): unlocked too. */
  journal?: Pick<ResticJournal, 'leftOver' | 'settle'>;
}

/**
 * Startup recovery: ops left INPROGRESS by a crash become ERROR (the oplog's scrub), `restic unlock` (stale
 * locks only: never a live lock of another process) runs on the repos they touched and on those the journal
 * lists (restic running without an op), waiting one-off work is re-queued, and auto-initialize repos are created.
 */
export async function recoverOnStartup(deps: RecoveryDeps): Promise<StartupReport> {
  const report: StartupReport = {
    failedOps: 0,
    deletedOps: 0,
    adoptedOps: 0,
    unlockedRepos: [],
    initializedRepos: [],
    problems: [],
  };
  const config = deps.config.get();
  const crashed = new Set(deps.journal?.leftOver() ?? []);
  if (config.instance) {
    const scrub = deps.oplog.scrub(config.instance, { nowMs: deps.clock.now(), keepPending: true });
    report.failedOps = scrub.failed.length;
    report.deletedOps = scrub.deletedIds.length;
    for (const { repoId } of scrub.affectedRepos) crashed.add(repoId);
  }
  // every repo restic ran on at the crash, with an op or not (the index step, Zerobyte tag/delete jobs)
  for (const repoId of crashed) {
    const repo = config.repos.find((r) => r.id === repoId);
    if (!repo) {
      deps.journal?.settle(repoId);
      continue;
    }
    try {
      await deps.resticFor(repo).unlock({ signal: AbortSignal.timeout(60_000) });
      report.unlockedRepos.push(repoId);
      deps.journal?.settle(repoId);
    } catch (err) {
      report.problems.push(`unlock of repo "${repoId}" failed: ${(err as Error).message}`);
    }
  }
  if (config.instance) report.adoptedOps = adoptPending(deps, config.instance);
  for (const repo of config.repos.filter((r) => r.autoInitialize && !r.guid)) {
    try {
      const guid = await deps.resticFor(repo).init({ signal: AbortSignal.timeout(60_000) });
      await deps.config.update(
        (draft) => {
          const r = draft.repos.find((x) => x.id === repo.id);
          if (r) {
            r.guid = guid;
            r.autoInitialize = false;
          }
        },
        { bumpModno: false },
      );
      report.initializedRepos.push(repo.id);
    } catch (err) {
      report.problems.push(`auto-initialize of repo "${repo.id}" failed: ${(err as Error).message}`);
    }
  }
  return report;
}

/** Message of a queued front-end job found after a restart. */
export const JOB_INTERRUPTED = 'Restora was restarted before this task started';

/**
 * Backrest drops every PENDING op on restart (#823). Restora re-queues one-off work a user asked for
 * (restores, commands); scheduled ops are deleted because the planner recreates them from the config.
 */
function adoptPending(deps: RecoveryDeps, instanceId: string): number {
  const pending = deps.oplog.query({ instanceId, statuses: [OperationStatus.STATUS_PENDING] });
  let adopted = 0;
  for (const op of pending) {
    let task: Task | undefined;
    if (op.zerobyteTask) {
      // a front-end job's work does not outlive its process: interrupted (Zerobyte's `stale`), never re-run
      op.status = OperationStatus.STATUS_SYSTEM_CANCELLED;
      op.unixTimeEndMs = BigInt(deps.clock.now());
      op.displayMessage = JOB_INTERRUPTED;
      deps.oplog.update(op);
      continue;
    }
    if (op.op.case === 'operationRestore') {
      const { path, target } = op.op.value;
      task = {
        kind: 'restore',
        repoId: op.repoId,
        planId: op.planId,
        snapshotId: op.snapshotId,
        path,
        target,
      };
    } else if (op.op.case === 'operationRunCommand') {
      task = { kind: 'run-command', repoId: op.repoId, command: op.op.value.command };
    }
    try {
      if (!task) throw new Error('not adoptable');
      deps.lifecycle.submit(task, { adopt: op, priority: Priority.interactive, runAt: deps.clock.now() });
      adopted++;
    } catch {
      deps.oplog.delete(op.id);
    }
  }
  return adopted;
}
