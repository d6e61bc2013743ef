// The JWT signing key: 64 random bytes in <data>/jwt-secret (0600), created once, kept across restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateFileOnce } from '../secrets/private-file.js';

export function loadOrCreateJwtSecret(dataDir: string): Uint8Array {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    const existing = fs.readFileSync(file);
    if (existing.length >= 32) {
      // A file from an older version (or restored from a backup) may be group-readable.
      fs.chmodSync(file, 0o600);
      return new Uint8Array(existing);
    }
    fs.rmSync(file); // too short to be a key: made anew
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return new Uint8Array(createPrivateFileOnce(file, crypto.randomBytes(64)));
}
