// Rotated copies of config.json before each write: config.json.bak.<YYYY-MM-DD-HH-MM-SS>, newest N kept.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from './atomic-write.js';

const pad = (n: number) => String(n).padStart(2, '0');

export function backupStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}-${pad(d.getMinutes())}-${pad(d.getSeconds())}`;
}

/** Copies `file` (if it exists) to a timestamped backup, then deletes all but the newest `keep` backups. */
export function backupAndRotate(file: string, now: Date, keep: number): string | undefined {
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
  writeFileAtomicSync(target, content, { mode: 0o600 });
  const prefix = `${path.basename(file)}.bak.`;
  const dir = path.dirname(file);
  const backups = fs
    .readdirSync(dir)
    .filter((n) => n.startsWith(prefix))
    .sort();
  for (const old of backups.slice(0, Math.max(0, backups.length - keep)))
    fs.rmSync(path.join(dir, old), { force: true });
  return target;
}
