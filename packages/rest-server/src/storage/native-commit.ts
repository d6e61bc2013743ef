import { getSystemErrorName } from 'node:util';
import { warnFsyncUnsupported } from './fs-sync.js';
import { native, nativeDisabled } from './native-addon.js';
import type { NativeAddon } from './native-addon.js';

/**
 * The optional native addon (native/small-commit.c) that commits a small upload in one thread-pool job:
 * create the temp file, write, fsync, close, rename, fsync the directory. Without it (not built, or
 * RESTORA_REST_SERVER_NATIVE=0) the store takes the TypeScript path, which does the same in three pool jobs.
 * `release`: the parts belong to this upload alone, so their memory is freed (detached) once it is committed.
 */
export type CommitSmall = (
  dir: string,
  temp: string,
  final: string,
  parts: Buffer[],
  mode: number,
  release: boolean,
) => Promise<void>;

/** Thrown by a native commit; `step` says which system call failed (`create`, `write`, … `dirsync`). */
export class CommitError extends Error {
  /** The errno's name, as in Node's errors (`ENOSPC`, `EEXIST`, ...). */
  readonly code: string;
  constructor(
    errno: number,
    readonly step: string,
  ) {
    const code = errnoName(errno);
    super(`${step}: ${code}`);
    this.code = code;
  }
}

// Matches the addon's MAX_PARTS: more parts are joined into one buffer first.
const MAX_PARTS = 64;

const loaded = native;

export const commitSmall: CommitSmall | undefined = wrap(loaded?.addon);

/** True when the addon should be there but could not be loaded (not built): the server says so at start. */
export const nativeAddonMissing = !nativeDisabled && !loaded;

/** Frees owned, fully read buffers at once instead of at a later GC (lower peak RSS); a no-op without the addon. */
export const releaseBuffers: (buffers: Buffer[]) => void = loaded
  ? (buffers) => loaded.addon.release(buffers)
  : () => undefined;

/** The addon's file when it is loaded, for threads that load it too (its `release` frees buffers at once). */
export const nativeAddonPath: string | undefined = loaded?.path;

function wrap(addon: NativeAddon | undefined): CommitSmall | undefined {
  if (!addon) return undefined;
  return (dir, temp, final, parts, mode, release) =>
    new Promise((resolve, reject) => {
      const bufs = parts.length > MAX_PARTS ? [Buffer.concat(parts)] : parts;
      addon.commit(dir, temp, final, bufs, mode, release, (errno, step, fsyncUnsupported) => {
        if (fsyncUnsupported) warnFsyncUnsupported();
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
