import { close, constants, fstatSync, fsync, open } from 'node:fs';

let warnedFsync = false;

function tolerable(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ENOTSUP' || err.code === 'ENOTTY' || err.code === 'EINVAL' || err.code === 'ENOENT';
}

/** rest-server's one-time warning when the data storage cannot fsync. */
export function warnFsyncUnsupported(): void {
  if (warnedFsync) return;
  warnedFsync = true;
  console.error('WARNING: fsync is not supported by the data storage. This can lead to data loss!');
}

/** fsync of a file; unsupported fsync is tolerated with a one-time warning, like rest-server. */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => {
      if (err && !(err.code === 'ENOTSUP' || err.code === 'ENOTTY' || err.code === 'EINVAL'))
        return reject(err);
      if (err) warnFsyncUnsupported();
      resolve();
    });
  });
}

// One directory fsync covers every rename made before it started: concurrent callers share a queued sync.
const queued = new Map<string, Promise<void>>();
const running = new Map<string, Promise<void>>();

/** fsync of a directory after a rename; ENOTSUP/ENOENT/EINVAL are ignored like rest-server does. */
export function syncDir(dir: string): Promise<void> {
  const waiting = queued.get(dir);
  if (waiting) return waiting;
  const before = running.get(dir);
  const p = (before ? before.catch(() => undefined) : Promise.resolve()).then(() => {
    queued.delete(dir);
    const run = doSyncDir(dir).finally(() => {
      if (running.get(dir) === run) running.delete(dir);
    });
    running.set(dir, run);
    return run;
  });
  queued.set(dir, p);
  return p;
}

// Open directory fds, reused so a directory sync is one fsync instead of open + fsync + close.
const dirFds = new Map<string, number>();
const MAX_DIR_FDS = 512;

function cachedDirFd(dir: string): number | undefined {
  const fd = dirFds.get(dir);
  if (fd === undefined) return undefined;
  // A removed (and maybe recreated) directory has no links left: its fd would sync the wrong inode.
  let gone = true;
  try {
    gone = fstatSync(fd).nlink === 0;
  } catch {
    // fd no longer valid
  }
  if (!gone) return fd;
  dirFds.delete(dir);
  return undefined; // not closed: a concurrent fsync may still use it; one fd per removed directory is leaked
}

function doSyncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (serr: NodeJS.ErrnoException | null): void => {
      if (serr && !tolerable(serr)) return reject(serr);
      resolve();
    };
    const cached = cachedDirFd(dir);
    if (cached !== undefined) return fsync(cached, done);
    open(dir, constants.O_RDONLY | constants.O_DIRECTORY, (err, fd) => {
      if (err) return tolerable(err) ? resolve() : reject(err);
      // Cached fds are never closed, so once the cache is full further fds are one-shot.
      if (dirFds.has(dir) || dirFds.size >= MAX_DIR_FDS) {
        fsync(fd, (serr) => close(fd, () => done(serr)));
        return;
      }
      dirFds.set(dir, fd);
      fsync(fd, done);
    });
  });
}
