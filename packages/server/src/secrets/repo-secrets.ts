// The password and env restic gets for a repo, with `${file:...}` references read now (at restic start).
import type { Repo } from '@restora/proto';
import { isFileReference, readFileReference } from './references.js';

export interface ResolvedRepoSecrets {
  password: string;
  env: Record<string, string>;
}

/**
 * Resolves file references in the repo password and env values; other env values go through `expand`
 * (`${VAR}` expansion). File content is never expanded: a `$` in a password stays a `$`.
 */
export function resolveRepoSecrets(repo: Repo, expand: (v: string) => string): ResolvedRepoSecrets {
  const env: Record<string, string> = {};
  for (const e of repo.env) {
    const i = e.indexOf('=');
    if (i <= 0) continue;
    const key = e.slice(0, i);
    const value = e.slice(i + 1);
    env[key] = isFileReference(value)
      ? readFileReference(value, `repo "${repo.id}" env ${key}`)
      : expand(value);
  }
  return { password: readFileReference(repo.password, `repo "${repo.id}" password`), env };
}
