import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** Directory of a local repository string (`/srv/repo`, `relative/dir`, `local:/srv/repo`), else undefined. */
export function localRepositoryPath(repository: string, cwd = process.cwd()): string | undefined {
  const path = repository.startsWith('local:') ? repository.slice('local:'.length) : repository;
  // Backend prefixes look like `name:`; a Windows drive letter is one character.
  if (/^[a-z][a-z0-9+.-]+:/i.test(path)) return undefined;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/**
 * Full snapshot id for a prefix by listing a local repository's `snapshots/` directory (file names are
 * the ids). Saves a restic run (key derivation alone costs ~0.5 s) when normalising 0.14's short ids.
 */
export async function findLocalSnapshotId(repoDir: string, prefix: string): Promise<string | undefined> {
  try {
    const names = await readdir(join(repoDir, 'snapshots'));
    const hits = names.filter((n) => n.startsWith(prefix) && /^[0-9a-f]{64}$/.test(n));
    return hits.length === 1 ? hits[0] : undefined;
  } catch {
    return undefined;
  }
}
