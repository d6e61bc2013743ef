import { createRequire } from 'node:module';

/** The functions of the optional native addon (native/small-commit.c); see native-commit.ts and dir-scan.ts. */
export interface NativeAddon {
  /** commit(dir, temp, final, parts, mode, release, done(errno, step, fsyncUnsupported)). */
  commit(
    dir: string,
    temp: string,
    final: string,
    parts: Buffer[],
    mode: number,
    release: boolean,
    done: (errno: number, step: string, fsyncUnsupported: boolean) => void,
  ): void;
  /** Frees the memory of buffers nothing will read again (those spanning their whole ArrayBuffer). */
  release(buffers: Buffer[]): void;
  /** [ino, mtimeMs, ctimeMs] per path; ino 0: missing or not a directory, negative: -errno. */
  statDirs(paths: string[]): Float64Array;
  /** The regular files named as object ids: names (64 characters each) and [size, ctimeMs] per name; or an errno. */
  scanDir(dir: string): [string, Float64Array] | number;
  /** Sends `count` bytes of `fd` from `offset` to a socket with sendfile(2); stops once cancel[0] is set. */
  sendFile(
    socketFd: number,
    fd: number,
    offset: number,
    count: number,
    cancel: Int32Array,
    done: (errno: number, sent: number) => void,
  ): void;
}

/** Off with RESTORA_REST_SERVER_NATIVE=0 (for comparisons). */
export const nativeDisabled = process.env.RESTORA_REST_SERVER_NATIVE === '0';

/** The loaded addon and its file, or undefined when it is off or not built. */
export const native: { addon: NativeAddon; path: string } | undefined = nativeDisabled ? undefined : load();

function load(): { addon: NativeAddon; path: string } | undefined {
  try {
    const require = createRequire(import.meta.url);
    // Same relative path from src/storage (tsx) and dist/storage (built).
    const path = require.resolve('../../native/build/Release/small_commit.node');
    return { addon: require(path) as NativeAddon, path };
  } catch {
    return undefined;
  }
}
