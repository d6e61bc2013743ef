import { close, fsync, open, constants } from 'node:fs';

let warnedFsync = false;

function tolerable(err: NodeJS.ErrnoException): boolean {
  return err.code === 'ENOTSUP' || err.code === 'ENOTTY' || err.code === 'EINVAL' || err.code === 'ENOENT';
}

/** fsync of a file; unsupported fsync is tolerated with a one-time warning, like rest-server. */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => {
      if (err && !(err.code === 'ENOTSUP' || err.code === 'ENOTTY' || err.code === 'EINVAL'))
        return reject(err);
      if (err && !warnedFsync) {
        warnedFsync = true;
        console.error('WARNING: fsync is not supported by the data storage. This can lead to data loss!');
      }
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

function doSyncDir(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(dir, constants.O_RDONLY | constants.O_DIRECTORY, (err, fd) => {
      if (err) return tolerable(err) ? resolve() : reject(err);
      fsync(fd, (serr) => {
        close(fd, () => {
          if (serr && !tolerable(serr)) return reject(serr);
          resolve();
        });
      });
    });
  });
}
