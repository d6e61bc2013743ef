// The JWT signing key: 64 random bytes in <data>/jwt-secret (0600), created once, kept across restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function loadOrCreateJwtSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const existing = fs.readFileSync(file);
    if (existing.length >= 32) {
      // A file from an older version (or restored from a backup) may be group-readable.
      fs.chmodSync(file, 0o600);
      return new Uint8Array(existing);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = crypto.randomBytes(64);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, secret);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return new Uint8Array(secret);
}
