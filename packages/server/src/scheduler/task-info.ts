import type { Config, Plan, Repo } from '@restora/proto';
import { NotFoundError } from '../errors.js';
import type { Task, TaskOf } from '../tasks/types.js';
import { Priority } from './priority.js';

export const DEFAULT_PRIORITY: Record<Task['kind'], number> = {
  backup: Priority.default,
  'index-snapshots': Priority.indexSnapshots,
  forget: Priority.forget,
  prune: Priority.prune,
  check: Priority.check,
  stats: Priority.stats,
  restore: Priority.interactive,
  unlock: Priority.interactive,
  'run-command': Priority.interactive,
  'collect-garbage': Priority.default,
  job: Priority.interactive,
};

const TASK_NAMES: Record<Task['kind'], (t: Task) => string> = {
  backup: (t) => `backup for plan "${(t as TaskOf<'backup'>).planId}"`,
  'index-snapshots': (t) => `index snapshots for repo "${(t as TaskOf<'index-snapshots'>).repoId}"`,
  forget: (t) => `forget for repo "${(t as TaskOf<'forget'>).repoId}"`,
  prune: (t) => `prune for repo "${(t as TaskOf<'prune'>).repoId}"`,
  check: (t) => `check for repo "${(t as TaskOf<'check'>).repoId}"`,
  stats: (t) => `stats for repo "${(t as TaskOf<'stats'>).repoId}"`,
  restore: (t) => `restore snapshot "${(t as TaskOf<'restore'>).snapshotId}"`,
  unlock: (t) => `unlock repo "${(t as TaskOf<'unlock'>).repoId}"`,
  'run-command': (t) => `run command in repo "${(t as TaskOf<'run-command'>).repoId}"`,
  'collect-garbage': () => 'collect garbage',
  job: (t) => `${(t as TaskOf<'job'>).job.view.kind} for repo "${(t as TaskOf<'job'>).repoId}"`,
};

export function taskName(task: Task): string {
  return TASK_NAMES[task.kind](task);
}

export interface Resolved {
  repo: Repo | undefined;
  plan: Plan | undefined;
}

/** Resolves a task's repo and plan in a config; throws NotFoundError naming what is missing. */
export function resolveTask(config: Config, task: Task): Resolved {
  if (task.kind === 'collect-garbage') return { repo: undefined, plan: undefined };
  let plan: Plan | undefined;
  let repoId: string;
  if (task.kind === 'backup') {
    plan = config.plans.find((p) => p.id === task.planId);
    if (!plan) throw new NotFoundError(`plan "${task.planId}" not found`, 'plan', task.planId);
    repoId = plan.repo;
  } else {
    repoId = task.repoId;
    const planId = 'planId' in task ? task.planId : undefined;
    if (planId && planId !== '_system_' && planId !== '_unassociated_') {
      plan = config.plans.find((p) => p.id === planId);
      if (!plan && task.kind === 'forget' && !task.snapshotId)
        throw new NotFoundError(`plan "${planId}" not found`, 'plan', planId);
    }
  }
  const repo = config.repos.find((r) => r.id === repoId);
  if (!repo) throw new NotFoundError(`repo "${repoId}" not found`, 'repo', repoId);
  return { repo, plan };
}
