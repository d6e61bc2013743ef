import type { Task } from '../tasks/types.js';
import type { Clock } from './clock.js';

/** Abort reason of a task that hit its time limit or stalled. */
export class TaskTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskTimeout';
  }
}

export interface Watchdog {
  touch(): void;
  clear(): void;
}

/** Hard time limit per task kind and stall detection (no progress for `stallMs`) for backup/restore. */
export function armWatchdog(
  clock: Clock,
  task: Task,
  ac: AbortController,
  timeouts: Partial<Record<Task['kind'], number>> | undefined,
  stallMs: number | undefined,
): Watchdog {
  const limit = timeouts?.[task.kind];
  const stall = task.kind === 'backup' || task.kind === 'restore' ? stallMs : undefined;
  const hard = limit
    ? clock.setTimer(() => ac.abort(new TaskTimeout(`task timed out after ${formatMs(limit)}`)), limit)
    : null;
  const stalled = () => ac.abort(new TaskTimeout(`task stalled: no progress for ${formatMs(stall!)}`));
  let stallTimer = stall ? clock.setTimer(stalled, stall) : null;
  return {
    touch: () => {
      if (!stall || !stallTimer || ac.signal.aborted) return;
      clock.clearTimer(stallTimer);
      stallTimer = clock.setTimer(stalled, stall);
    },
    clear: () => {
      if (hard) clock.clearTimer(hard);
      if (stallTimer) clock.clearTimer(stallTimer);
    },
  };
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
