import { backupTask } from './backup.js';
import { checkTask } from './check.js';
import { collectGarbageTask } from './collect-garbage.js';
import { forgetTask } from './forget.js';
import { indexSnapshotsTask } from './index-snapshots.js';
import { jobTask } from './job.js';
import { pruneTask } from './prune.js';
import { restoreTask } from './restore.js';
import { runCommandTask } from './run-command.js';
import { statsTask } from './stats.js';
import type { TaskHandler, TaskKind, TaskOf } from './types.js';
import { unlockTask } from './unlock.js';

const handlers: { [K in TaskKind]: TaskHandler<K> } = {
  backup: backupTask,
  'index-snapshots': indexSnapshotsTask,
  forget: forgetTask,
  prune: pruneTask,
  check: checkTask,
  stats: statsTask,
  restore: restoreTask,
  unlock: unlockTask,
  'run-command': runCommandTask,
  'collect-garbage': collectGarbageTask,
  job: jobTask,
};

export function handlerFor<K extends TaskKind>(kind: K): TaskHandler<K> {
  return handlers[kind];
}

export type { TaskOf };
