// Stable Zerobyte identifiers derived from config ids: nothing to store, same answer after a restart.
import { createHash } from 'node:crypto';

const digest = (kind: string, id: string) => createHash('sha256').update(`${kind}:${id}`).digest();

/** 8-char base64url short id. */
export const shortIdOf = (kind: 'repo' | 'plan', id: string): string =>
  digest(kind, id).toString('base64url').slice(0, 8);

/** UUID-shaped id (version 8, "custom") derived from a repo id. */
export function uuidOf(kind: 'repo', id: string): string {
  const b = Buffer.from(digest(kind, id).subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A config id from a display name: `S3 Backup Repository` → `s3-backup-repository`, made unique. */
export function slugId(name: string, taken: (id: string) => boolean): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[-_.]+|[-_.]+$/g, '')
      .slice(0, 60) || 'repository';
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}
