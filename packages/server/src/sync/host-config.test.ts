// A host's push judged by the client's grant, as the seed states: plans and deletions need READ_WRITE_CONFIG in
// scope; a repo too, unless it is the host's shared repo (new or already the host's) and RECEIVE_SHARED_REPOS is
// granted; an unaccepted shared repo is skipped, any other refusal names what was refused (both sides agree).
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, Multihost_Permission_Type as Perm, PlanSchema, RepoSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { applyHostConfig, pushRefusal } from './host-config.js';
import { PermissionSet } from './permissions.js';

const perms = (...p: [Perm, string[]][]) =>
  new PermissionSet(p.map(([type, scopes]) => ({ type, scopes })) as never);
const plan = (id: string) => create(PlanSchema, { id, repo: 'own' });
const repo = (id: string, guid: string, originInstanceId = '') =>
  create(RepoSchema, { id, guid, uri: `/r/${id}`, originInstanceId });
const empty = { plans: [], repos: [], plansToDelete: [], reposToDelete: [] };
const refuse = (why: string) => new Error(why);
const log = { info: () => undefined };

function clientConfig() {
  return create(ConfigSchema, {
    plans: [plan('docs'), plan('private')],
    repos: [repo('own', 'g-own'), repo('vault', 'g-vault', 'hq')],
  });
}

describe("a host's push, judged by the client's grant", () => {
  const rw = perms([Perm.PERMISSION_READ_WRITE_CONFIG, ['plan:docs', 'repo:own']]);

  it('applies plans and repos inside the READ_WRITE_CONFIG scope', () => {
    const cfg = clientConfig();
    const set = { ...empty, plans: [create(PlanSchema, { id: 'docs', repo: 'own', paths: ['/x'] })] };
    expect(pushRefusal(set, rw, 'hq')).toBeUndefined();
    applyHostConfig(cfg, set, rw, 'hq', log, refuse);
    expect(cfg.plans.find((p) => p.id === 'docs')?.paths).toEqual(['/x']);
    applyHostConfig(cfg, { ...empty, plansToDelete: ['docs'] }, rw, 'hq', log, refuse);
    expect(cfg.plans.map((p) => p.id)).toEqual(['private']);
  });

  it('refuses, naming it, a plan or repo outside the scope, and changes nothing', () => {
    const cfg = clientConfig();
    const outside = { ...empty, plans: [plan('docs'), plan('private')] };
    expect(pushRefusal(outside, rw, 'hq')).toMatch(/may not change plan private/);
    expect(() => applyHostConfig(cfg, outside, rw, 'hq', log, refuse)).toThrow(
      'host hq may not change plan private',
    );
    expect(cfg.plans.find((p) => p.id === 'docs')?.paths).toEqual([]);
    expect(pushRefusal({ ...empty, reposToDelete: ['vault'] }, rw, 'hq')).toMatch(
      /may not delete repo vault/,
    );
    // a repo that is not the host's shared repo needs READ_WRITE_CONFIG even where shared repos are received
    const receive = perms([Perm.PERMISSION_RECEIVE_SHARED_REPOS, []]);
    const plain = { ...empty, repos: [repo('new', 'g-new')] };
    expect(pushRefusal(plain, receive, 'hq')).toMatch(/may not change repo new/);
    expect(() => applyHostConfig(cfg, plain, receive, 'hq', log, refuse)).toThrow('may not change repo new');
  });

  it("takes the host's shared repos where RECEIVE_SHARED_REPOS is granted, skips them where not", () => {
    const receive = perms([Perm.PERMISSION_RECEIVE_SHARED_REPOS, []]);
    const cfg = clientConfig();
    const shared = { ...empty, repos: [repo('box', 'g-box', 'hq'), repo('vault', 'g-vault', 'hq')] };
    expect(pushRefusal(shared, receive, 'hq')).toBeUndefined();
    applyHostConfig(cfg, shared, receive, 'hq', log, refuse);
    expect(cfg.repos.map((r) => r.id)).toEqual(['own', 'vault', 'box']);
    const none = perms([Perm.PERMISSION_READ_OPERATIONS, ['*']]);
    const cfg2 = clientConfig();
    expect(pushRefusal(shared, none, 'hq')).toMatch(/does not receive shared repo box/);
    applyHostConfig(cfg2, shared, none, 'hq', log, refuse);
    expect(cfg2.repos.map((r) => r.id)).toEqual(['own', 'vault']);
    // a repo of the client's own, claimed as shared by the host, is not taken over
    const claim = { ...empty, repos: [repo('own', 'g-own', 'hq')] };
    expect(() => applyHostConfig(clientConfig(), claim, receive, 'hq', log, refuse)).toThrow(
      'may not change repo own',
    );
  });
});
