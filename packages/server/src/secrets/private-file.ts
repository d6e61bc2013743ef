// Files holding secrets are 0600 whatever the umask: created so, and tightened if they already exist.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from '../config/atomic-write.js';

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

/**
 * Creates `file` holding `content` unless it exists, and returns what the file holds: a complete 0600 temp file
 * hard-linked into place, so two processes starting at once agree on one file (EEXIST: theirs is read).
 */
export function createPrivateFileOnce(file: string, content: string | Uint8Array): Buffer {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', PRIVATE_MODE);
  try {
    fs.fchmodSync(fd, PRIVATE_MODE);
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  fsyncDir(dir);
  return Buffer.from(content);
}
