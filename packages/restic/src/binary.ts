import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ResticError } from './errors.js';

export const INSTALL_HINT =
  'Install restic with `sudo apt-get install restic` (Debian/Ubuntu), `brew install restic` (macOS) or from ' +
  'https://github.com/restic/restic/releases, then set binaryPath or the RESTIC environment variable if it is not on PATH.';

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `name` on a PATH string. */
export async function which(name: string, pathEnv = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of pathEnv.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Resolves the restic binary: explicit path (or command name), else the `RESTIC` environment variable, else
 * `restic` on PATH. Throws a `not-installed` ResticError that says how to install restic.
 */
export async function resolveBinary(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const wanted = explicit ?? env.RESTIC ?? 'restic';
  const source = explicit !== undefined ? 'binaryPath' : env.RESTIC !== undefined ? 'RESTIC' : 'PATH';
  const found = wanted.includes('/')
    ? (await isExecutable(wanted))
      ? isAbsolute(wanted)
        ? wanted
        : resolve(wanted)
      : undefined
    : await which(wanted, env.PATH ?? '');
  if (found) return found;
  throw new ResticError({
    code: 'not-installed',
    message: `restic binary not found (${source}: ${wanted}). ${INSTALL_HINT}`,
  });
}
