import { readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';
import { native } from './native-addon.js';

const ID_RE = /^[0-9a-f]{64}$/;

/** The object files of one folder: names (64 characters each, concatenated) and [size, ctimeMs] per name. */
export interface Scan {
  names: string;
  meta: Float64Array;
}

/**
 * [ino, mtimeMs, ctimeMs] per path (ino 0: missing or not a directory); throws on other errors. With the addon
 * one call stats them all (data/'s 256 folders: one statSync and Stats object each cost ~10x more when cold).
 */
export function stampDirs(paths: string[]): Float64Array {
  const out = native ? native.addon.statDirs(paths) : stampInJs(paths);
  for (let i = 0; i < paths.length; i++) {
    const ino = out[i * 3] ?? 0;
    if (ino < 0) throw errnoError(-ino, paths[i] ?? '');
  }
  return out;
}

/** The object files in `dir` with size and ctime; undefined when it is missing (or not a directory). */
export function scanObjects(dir: string): Scan | undefined {
  if (!native) return scanInJs(dir);
  const r = native.addon.scanDir(dir);
  if (typeof r !== 'number') return { names: r[0], meta: r[1] };
  if (r === constants.errno.ENOENT || r === constants.errno.ENOTDIR) return undefined;
  throw errnoError(r, dir);
}

/** stampDirs without the addon (exported for the test that compares both). */
export function stampInJs(paths: string[]): Float64Array {
  const out = new Float64Array(paths.length * 3);
  paths.forEach((p, i) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st?.isDirectory()) return;
    out.set([st.ino, st.mtimeMs, st.ctimeMs], i * 3);
  });
  return out;
}

/** scanObjects without the addon (exported for the test that compares both). */
export function scanInJs(dir: string): Scan | undefined {
  let all: string[];
  try {
    all = readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  const names: string[] = [];
  const meta: number[] = [];
  for (const name of all) {
    if (!ID_RE.test(name)) continue; // temp files and strays are not objects
    const st = statSync(`${dir}/${name}`, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    names.push(name);
    meta.push(st.size, st.ctimeMs);
  }
  return { names: names.join(''), meta: Float64Array.from(meta) };
}

function errnoError(errno: number, path: string): NodeJS.ErrnoException {
  let code = `errno ${errno}`;
  try {
    code = getSystemErrorName(-errno);
  } catch {
    // unknown errno: keep the number
  }
  return Object.assign(new Error(`${code}: ${path}`), { code, errno: -errno, path });
}
