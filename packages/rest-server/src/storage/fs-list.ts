import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ListEntry } from './types.js';

const ID_RE = /^[0-9a-f]{64}$/;

/**
 * Lists a type folder one directory at a time. Each directory is read synchronously (microseconds when
 * cached, far cheaper than one thread-pool hop per stat) and the event loop gets a turn between directories,
 * so a huge data/ listing streams without blocking other requests for long.
 */
export async function* listTypeDir(dir: string, nested: boolean): AsyncIterable<ListEntry[]> {
  if (!nested) {
    yield listFlat(dir);
    return;
  }
  let subdirs: string[];
  try {
    subdirs = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (isMissingDir(err)) return;
    throw err;
  }
  let batch: ListEntry[] = [];
  for (const sub of subdirs) {
    for (const e of listFlat(join(dir, sub))) batch.push(e);
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (batch.length > 0) yield batch;
}

function listFlat(dir: string): ListEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isMissingDir(err)) return [];
    throw err;
  }
  const out: ListEntry[] = [];
  for (const name of names) {
    // Temp files and strays are not objects; rest-server lists every regular file, we list only valid ids.
    if (!ID_RE.test(name)) continue;
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (st?.isFile()) out.push({ name, size: st.size });
  }
  return out;
}

function isMissingDir(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
