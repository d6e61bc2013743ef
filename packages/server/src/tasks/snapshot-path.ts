// Paths a client sends for restore, ls, dump and download: normalised so `..` never leaves the snapshot root
// or the restore target. Every entry point (Backrest Connect, Zerobyte REST, the download route) uses these.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../errors.js';

/** Longest path accepted (Linux PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;

/** Pseudo file systems a restore must never write into. */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

const fail = (field: string, message: string): never => {
  throw new ValidationError([{ path: field, message }], 'invalid path');
};

function checkText(field: string, value: string): void {
  if (typeof value !== 'string') fail(field, 'must be a string');
  if (value.length > MAX_PATH_LENGTH) fail(field, `must be at most ${MAX_PATH_LENGTH} characters`);
  if (value.includes('\0')) fail(field, 'must not contain a NUL byte');
}

/**
 * A path inside a snapshot, absolute and normalised: `.` and empty segments dropped, `..` resolved without ever
 * climbing above `/` (so `/../../victim` is `/victim`); empty means the root. Relative input is taken from the
 * root. Throws a ValidationError naming `field` for NUL bytes or over-long input.
 */
export function snapshotPath(field: string, value: string | undefined): string {
  if (value === undefined || value === '') return '/';
  checkText(field, value);
  const out: string[] = [];
  for (const seg of value.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/**
 * A restore include/exclude pattern: absolute patterns are normalised like snapshot paths, relative ones
 * (restic matches them at any depth) may not hold a `..` segment.
 */
export function snapshotPattern(field: string, value: string): string {
  checkText(field, value);
  if (value === '') fail(field, 'must not be empty');
  if (value.startsWith('/')) return snapshotPath(field, value);
  if (value.split('/').includes('..')) fail(field, 'must not contain a ".." segment');
  return value;
}

export interface TargetRules {
  /** `/` itself is a valid target (Zerobyte's restore to the original location). */
  allowRoot?: boolean;
  /** Directories (and everything below them) a restore may not write into, e.g. the data dir, local repos. */
  blocked?: readonly string[];
}

const inside = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/**
 * A restore target: absolute, normalised (`..` resolved), not `/` unless allowed, never inside /proc, /sys,
 * /dev or a blocked directory. Throws a ValidationError naming `field`.
 */
export function restoreTarget(field: string, value: string, rules: TargetRules = {}): string {
  checkText(field, value);
  if (!path.posix.isAbsolute(value)) fail(field, 'must be an absolute path');
  const target = path.posix.resolve(value);
  if (target === '/' && !rules.allowRoot) fail(field, 'must not be the root directory');
  for (const dir of [...SYSTEM_DIRS, ...(rules.blocked ?? [])].map((d) => path.posix.resolve(d))) {
    if (dir !== '/' && inside(target, dir)) fail(field, `must not be inside ${dir}`);
  }
  return target;
}

/**
 * A file below a restore's target, for download: the normalised path joined to the target, and its real path
 * (symlinks restored from a snapshot followed) still inside the target's real path. Throws a ValidationError
 * naming `field` when it escapes; a missing file is returned as is (the caller reports it).
 */
export function fileInTarget(field: string, target: string, filePath: string): string {
  const rel = snapshotPath(field, filePath);
  const root = path.resolve(target);
  const full = path.join(root, rel);
  let realRoot: string;
  let realFull: string;
  try {
    realRoot = realpathSync(root);
    realFull = realpathSync(full);
  } catch {
    return full;
  }
  if (!inside(realFull, realRoot)) fail(field, 'leaves the restore target (through a symbolic link)');
  return full;
}
