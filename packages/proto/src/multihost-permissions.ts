// Multihost permissions as Backrest applies them: a permission with no scopes covers everything; scopes are `*`,
// `repo:<id>`, `plan:<id>`, and exclusions `!repo:<id>`, `!plan:<id>` that win over any inclusion. One definition
// for the server (which enforces them) and the web UI (which says what a peer may do before it is tried).
import { Multihost_Permission_Type as Perm, type Multihost_Permission } from './gen/v1/config_pb.js';

export const CAN_VIEW_RESOURCES = [
  Perm.PERMISSION_READ_OPERATIONS,
  Perm.PERMISSION_READ_CONFIG,
  Perm.PERMISSION_READ_WRITE_CONFIG,
];
export const CAN_VIEW_CONFIG = [Perm.PERMISSION_READ_CONFIG, Perm.PERMISSION_READ_WRITE_CONFIG];
export const CAN_WRITE_CONFIG = [Perm.PERMISSION_READ_WRITE_CONFIG];
export const CAN_READ_OPERATIONS = [Perm.PERMISSION_READ_OPERATIONS];
export const CAN_RECEIVE_SHARED_REPOS = [Perm.PERMISSION_RECEIVE_SHARED_REPOS];

interface Scopes {
  wildcard: boolean;
  plans: Set<string>;
  repos: Set<string>;
  notPlans: Set<string>;
  notRepos: Set<string>;
}

/** Throws naming the first scope that is not one of the five forms. */
export function parseScopes(scopes: readonly string[]): Scopes {
  const s: Scopes = {
    wildcard: false,
    plans: new Set(),
    repos: new Set(),
    notPlans: new Set(),
    notRepos: new Set(),
  };
  for (const scope of scopes) {
    const m = /^(!?)(repo|plan):(.+)$/.exec(scope);
    if (scope === '*') s.wildcard = true;
    else if (!m)
      throw new Error(
        `invalid permission scope ${JSON.stringify(scope)} (use *, repo:<id>, plan:<id>, !repo:<id>, !plan:<id>)`,
      );
    else
      (m[1] ? (m[2] === 'repo' ? s.notRepos : s.notPlans) : m[2] === 'repo' ? s.repos : s.plans).add(m[3]!);
  }
  return s;
}

export class PermissionSet {
  private readonly scoped = new Map<Perm, Scopes>();
  private readonly scopeless = new Set<Perm>();

  /** The permissions as granted (sent to the peer in RemoteConfig's Restora extension). */
  constructor(readonly granted: readonly Multihost_Permission[]) {
    for (const p of granted) {
      if (p.scopes.length === 0) this.scopeless.add(p.type);
      else this.scoped.set(p.type, parseScopes(p.scopes));
    }
  }

  hasType(types: readonly Perm[]): boolean {
    return types.some((t) => this.scopeless.has(t) || this.scoped.has(t));
  }

  forPlan(planId: string, types: readonly Perm[]): boolean {
    return types.some((t) =>
      this.check(t, (s) => !s.notPlans.has(planId) && (s.wildcard || s.plans.has(planId))),
    );
  }

  forRepo(repoId: string, types: readonly Perm[]): boolean {
    return types.some((t) =>
      this.check(t, (s) => !s.notRepos.has(repoId) && (s.wildcard || s.repos.has(repoId))),
    );
  }

  private check(t: Perm, contains: (s: Scopes) => boolean): boolean {
    if (this.scopeless.has(t)) return true;
    const s = this.scoped.get(t);
    return s ? contains(s) : false;
  }
}
