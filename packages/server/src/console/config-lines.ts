// Config changes on the console: who changed what (ids of repos and plans added, removed or edited; other sections).
import { create, equals } from '@bufbuild/protobuf';
import { ConfigSchema, PlanSchema, RepoSchema, type Config } from '@restora/proto';
import type { Logger } from 'pino';
import { currentActor } from './actor.js';

type Keyed = { id: string };

function diffIds<T extends Keyed>(prev: T[], next: T[], same: (a: T, b: T) => boolean): string[] {
  const before = new Map(prev.map((x) => [x.id, x]));
  const after = new Map(next.map((x) => [x.id, x]));
  const out: string[] = [];
  for (const [id, x] of after) {
    const old = before.get(id);
    if (!old) out.push(`+${id}`);
    else if (!same(old, x)) out.push(`~${id}`);
  }
  for (const id of before.keys()) if (!after.has(id)) out.push(`-${id}`);
  return out;
}

/** What changed between two configs, as short fields: repos/plans "+added ~edited -removed", other sections named. */
export function configChanges(prev: Config, next: Config): Record<string, string> {
  const out: Record<string, string> = {};
  const repos = diffIds(prev.repos, next.repos, (a, b) => equals(RepoSchema, a, b));
  const plans = diffIds(prev.plans, next.plans, (a, b) => equals(PlanSchema, a, b));
  if (repos.length) out.repos = repos.join(' ');
  if (plans.length) out.plans = plans.join(' ');
  const rest: string[] = [];
  const settings = (c: Config) =>
    create(ConfigSchema, { ...c, repos: [], plans: [], modno: 0, auth: undefined });
  if (!equals(ConfigSchema, settings(prev), settings(next))) rest.push('settings');
  const auth = (c: Config) => create(ConfigSchema, c.auth ? { auth: c.auth } : {});
  if (!equals(ConfigSchema, auth(prev), auth(next))) rest.push('auth');
  if (rest.length) out.sections = rest.join(' ');
  return out;
}

/** A config store listener logging one info line per change, naming the request's user and address. */
export function configChangeLogger(logger: Logger): (next: Config, prev: Config) => void {
  return (next, prev) => {
    const actor = currentActor();
    const by = actor ? { user: actor.user ?? '(anonymous)', ip: actor.ip } : { user: '(server)' };
    logger.info({ ...by, modno: String(next.modno), ...configChanges(prev, next) }, 'config changed');
  };
}
