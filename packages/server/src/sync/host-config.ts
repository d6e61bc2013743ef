// Plans and repos a host pushes to a client (SetConfig on the Sync stream), judged by the client's grant to that host
// as the seed states: a plan, or any deletion, needs READ_WRITE_CONFIG in scope; a repo needs it too, unless it is
// the host's shared repo (originInstanceId = the host), new here or already the host's, which comes in where
// RECEIVE_SHARED_REPOS is granted (scopelessly) and is skipped where it is not. The client applies the verdicts;
// the host checks them first when it knows the client's grant (a Restora client says it), to refuse with the reason
// instead of sending what the client would refuse by ending the link.
import type { Config, Plan, Repo, SyncStreamItem_SyncActionSetConfig } from '@restora/proto';
import { CAN_RECEIVE_SHARED_REPOS, CAN_WRITE_CONFIG, type PermissionSet } from './permissions.js';

type SetConfig = Pick<
  SyncStreamItem_SyncActionSetConfig,
  'plans' | 'repos' | 'plansToDelete' | 'reposToDelete'
>;

/** 'apply', 'skip' (a shared repo the client did not agree to receive) or the refusal, in words. */
export function repoVerdict(
  repo: Repo,
  perms: PermissionSet,
  hostId: string,
  ownedByHost: boolean,
): 'apply' | 'skip' | string {
  if (perms.forRepo(repo.id, CAN_WRITE_CONFIG)) return 'apply';
  if (repo.originInstanceId === hostId && ownedByHost)
    return perms.hasType(CAN_RECEIVE_SHARED_REPOS) ? 'apply' : 'skip';
  return `may not change repo ${repo.id} (READ_WRITE_CONFIG not granted on it)`;
}

/** The first change the client's grant refuses, in words; undefined when all may be sent. */
export function pushRefusal(set: SetConfig, perms: PermissionSet, hostId: string): string | undefined {
  const plan = [...set.plans.map((p) => p.id), ...set.plansToDelete].find(
    (id) => !perms.forPlan(id, CAN_WRITE_CONFIG),
  );
  if (plan !== undefined) return `may not change plan ${plan} (READ_WRITE_CONFIG not granted on it)`;
  const gone = set.reposToDelete.find((id) => !perms.forRepo(id, CAN_WRITE_CONFIG));
  if (gone !== undefined) return `may not delete repo ${gone} (READ_WRITE_CONFIG not granted on it)`;
  for (const repo of set.repos) {
    const v = repoVerdict(repo, perms, hostId, true);
    if (v === 'skip') return `does not receive shared repo ${repo.id} (RECEIVE_SHARED_REPOS not granted)`;
    if (v !== 'apply') return v;
  }
  return undefined;
}

/** Applies a push to the client's config; throws the refusal (the caller ends the link with it). */
export function applyHostConfig(
  cfg: Config,
  set: SetConfig,
  perms: PermissionSet,
  hostId: string,
  log: { info(msg: string): void },
  refuse: (why: string) => Error,
): void {
  const planIssue = [...set.plans.map((p: Plan) => p.id), ...set.plansToDelete].find(
    (id) => !perms.forPlan(id, CAN_WRITE_CONFIG),
  );
  if (planIssue !== undefined) throw refuse(`host ${hostId} may not change plan ${planIssue}`);
  for (const plan of set.plans) {
    const i = cfg.plans.findIndex((p) => p.id === plan.id);
    if (i >= 0) cfg.plans[i] = plan;
    else cfg.plans.push(plan);
  }
  for (const repo of set.repos) {
    const i = cfg.repos.findIndex((r) => r.guid === repo.guid);
    const v = repoVerdict(repo, perms, hostId, i < 0 || cfg.repos[i]!.originInstanceId === hostId);
    // a shared repo we did not agree to receive is not transferred (Backrest ends the link here instead)
    if (v === 'skip') {
      log.info(`sync: shared repo ${repo.id} from ${hostId} not accepted (RECEIVE_SHARED_REPOS not granted)`);
      continue;
    }
    if (v !== 'apply') throw refuse(`host ${hostId} may not change repo ${repo.id}`);
    if (i >= 0) cfg.repos[i] = repo;
    else if (!cfg.repos.some((r) => r.id === repo.id || r.uri === repo.uri)) cfg.repos.push(repo);
  }
  cfg.plans = cfg.plans.filter((p) => !set.plansToDelete.includes(p.id));
  for (const id of set.reposToDelete) {
    if (!perms.forRepo(id, CAN_WRITE_CONFIG)) throw refuse(`host ${hostId} may not delete repo ${id}`);
    cfg.repos = cfg.repos.filter((r) => r.id !== id);
  }
}
