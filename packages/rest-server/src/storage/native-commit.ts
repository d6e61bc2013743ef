import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

/**
 * The optional native addon (native/small-commit.c) that commits a small upload in one thread-pool job:
 * create the temp file, write, fsync, close, rename, fsync the directory. Without it (not built, or
 * RESTORA_REST_SERVER_NATIVE=0) the store takes the TypeScript path, which does the same in three pool jobs.
 */
export type CommitSmall = (
  dir: string,
  temp: string,
  final: string,
  parts: Buffer[],
  mode: number,
) => Promise<void>;

/** Thrown by a native commit; `step` says which system call failed (`create`, `write`, … `dirsync`). */
export class CommitError extends Error {
  readonly code: string;
  readonly errno: number;
  constructor(
    errno: number,
    readonly step: string,
  ) {
    const code = errnoName(errno);
    super(`${step}: ${code}`);
    this.code = code;
    this.errno = -errno;
  }
}

// Matches the addon's MAX_PARTS: more parts are joined into one buffer first.
const MAX_PARTS = 64;

interface Addon {
  commit(
    dir: string,
    temp: string,
    final: string,
    parts: Buffer[],
    mode: number,
    done: (errno: number, step: string, fsyncUnsupported: boolean) => void,
  ): void;
}

let warnedFsync = false;

export const commitSmall: CommitSmall | undefined = wrap(loadAddon());

function loadAddon(): Addon | undefined {
  if (process.env.RESTORA_REST_SERVER_NATIVE === '0') return undefined;
  try {
    // Same relative path from src/storage (tsx) and dist/storage (built).
    return createRequire(import.meta.url)('../../native/build/Release/small_commit.node') as Addon;
  } catch {
    return undefined;
  }
}

function wrap(addon: Addon | undefined): CommitSmall | undefined {
  if (!addon) return undefined;
  return (dir, temp, final, parts, mode) =>
    new Promise((resolve, reject) => {
      const bufs = parts.length > MAX_PARTS ? [Buffer.concat(parts)] : parts;
      addon.commit(dir, temp, final, bufs, mode, (errno, step, fsyncUnsupported) => {
        if (fsyncUnsupported && !warnedFsync) {
          warnedFsync = true;
          console.error('WARNING: fsync is not supported by the data storage. This can lead to data loss!');
        }
        if (errno === 0) resolve();
        else reject(new CommitError(errno, step));
      });
    });
}

function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `errno ${errno}`;
  }
}
