// Refuses a second Restora process on the same data dir: a lock file holding our pid, taken over when stale.
import fs from 'node:fs';
import os from 'node:os';
import { UnavailableError } from '../errors.js';

export interface DirLock {
  readonly path: string;
  release(): void;
}

interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(path: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** A lock is stale when its process is gone, or it carries our own pid (container restarted with pid 1 again). */
function isStale(info: LockInfo | undefined): boolean {
  if (!info || typeof info.pid !== 'number') return true;
  if (info.hostname !== os.hostname()) return false;
  return info.pid === process.pid || !isAlive(info.pid);
}

const heldHere = new Set<string>();

export function acquireDirLock(path: string, what: string): DirLock {
  if (heldHere.has(path))
    throw new UnavailableError(`${what} is already open in this process (lock file: ${path})`);
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(path, 'wx', 0o600);
      fs.writeSync(fd, JSON.stringify(info));
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      heldHere.add(path);
      return {
        path,
        release: () => {
          if (!heldHere.delete(path)) return;
          if (readInfo(path)?.pid === process.pid) fs.rmSync(path, { force: true });
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = readInfo(path);
      if (!isStale(holder)) {
        throw new UnavailableError(
          `${what} is locked by another Restora process (pid ${holder!.pid} on ${holder!.hostname}, since ${holder!.startedAt}); ` +
            `stop it or use another --data-dir (lock file: ${path})`,
        );
      }
      fs.rmSync(path, { force: true });
    }
  }
  throw new UnavailableError(`could not acquire the lock ${path}`);
}
