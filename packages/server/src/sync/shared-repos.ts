// Repos a host shared with this instance (`originInstanceId` set by sync) are read-only here: a person's edit is
// refused with the origin named; only the sync stream changes them. Removing one is allowed (it returns while the
// host still shares it).
import { clone, equals } from '@bufbuild/protobuf';
import { RepoSchema, type Config, type Repo } from '@restora/proto';
import { FailedPreconditionError } from '../errors.js';

/** Env order is not meaningful (validation sorts it), so it does not count as an edit. */
function normalised(r: Repo): Repo {
  const c = clone(RepoSchema, r);
  c.env.sort();
  return c;
}

const readOnly = (id: string, origin: string) =>
  new FailedPreconditionError(
    `repo "${id}" is shared by instance "${origin}" and is read-only here; change it on "${origin}"`,
  );

const notSyncSet = (id: string) =>
  new FailedPreconditionError(
    `repo "${id}": originInstanceId is set only by multihost sync (a host sharing the repo), not by an edit`,
  );

/** Throws when `next` changes a shared repo of `stored`, or marks a repo as shared that sync did not. */
export function assertSharedReposUnchanged(stored: Config, next: Config): void {
  const before = new Map(stored.repos.map((r) => [r.id, r]));
  for (const repo of next.repos) {
    const old = before.get(repo.id);
    if (old?.originInstanceId) {
      if (!equals(RepoSchema, normalised(old), normalised(repo)))
        throw readOnly(old.id, old.originInstanceId);
    } else if (repo.originInstanceId) throw notSyncSet(repo.id);
  }
}

/** AddRepo: refused over a shared repo's id, or when it claims to be shared. */
export function assertRepoEditable(stored: Config, repo: Repo): void {
  const old = stored.repos.find((r) => r.id === repo.id);
  if (old?.originInstanceId) throw readOnly(old.id, old.originInstanceId);
  if (repo.originInstanceId) throw notSyncSet(repo.id);
}
