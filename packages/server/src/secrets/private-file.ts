// Files holding secrets are 0600 whatever the umask: created so, and tightened if they already exist.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_MODE = 0o600;

/** Creates `file` if absent (empty) and sets it to 0600; the parent dir is created 0700. */
export function ensurePrivateFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', PRIVATE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_MODE);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Prepares a SQLite database path: the main file exists and is 0600 before SQLite opens it (SQLite gives its
 * -wal and -shm the main file's mode), and any -wal/-shm left by an older version are tightened too.
 */
export function preparePrivateDatabase(file: string): void {
  ensurePrivateFile(file);
  for (const extra of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try {
      fs.chmodSync(extra, PRIVATE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}
