// Rotated copies of config.json before each write: config.json.bak.<YYYY-MM-DD-HH-MM-SS>, newest N kept.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from './atomic-write.js';

const pad = (n: number) => String(n).padStart(2, '0');

export function backupStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** Rewrites a backup's content (e.g. seals its secrets); undefined keeps it as it is. */
export type BackupTransform = (content: Buffer) => Buffer | string | undefined;

/**
 * Copies `file` (if it exists) to a timestamped backup, passed through `transform`, then deletes all but the
 * newest `keep` backups.
 */
export function backupAndRotate(
  file: string,
  now: Date,
  keep: number,
  transform?: BackupTransform,
): string | undefined {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const base = `${file}.bak.${backupStamp(now)}`;
  let target = base;
  for (let i = 1; fs.existsSync(target); i++) target = `${base}.${i}`;
  writeFileAtomicSync(target, transform?.(content) ?? content, { mode: 0o600 });
  const dir = path.dirname(file);
  const backups = listBackups(file);
  for (const old of backups.slice(0, Math.max(0, backups.length - keep)))
    fs.rmSync(path.join(dir, old), { force: true });
  return target;
}

/** Names of the rotated backups of `file`, oldest first. */
function listBackups(file: string): string[] {
  const prefix = `${path.basename(file)}.bak.`;
  return fs
    .readdirSync(path.dirname(file))
    .filter((n) => n.startsWith(prefix) && !n.endsWith('.tmp'))
    .sort();
}

/** Passes every existing backup through `transform`, replacing (atomically, 0600) those it changes. */
export function rewriteBackups(file: string, transform: BackupTransform): void {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = listBackups(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const name of names) {
    const p = path.join(dir, name);
    const next = transform(fs.readFileSync(p));
    if (next !== undefined) writeFileAtomicSync(p, next, { mode: 0o600 });
  }
}
