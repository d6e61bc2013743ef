// Size, count and range limits for any protobuf message from a client (the config, every RPC request), so a
// 10 MB string, a NUL byte or an int64 beyond what JavaScript and SQLite can hold is a 400 naming the field.
import type { ValidationIssue } from '../errors.js';

/** One-line fields: ids, names, URIs, paths, flags, URLs, snapshot ids. */
export const MAX_LINE = 4 * 1024;
/** Multi-line text: hook templates, command text, env entries (may hold a PEM or JSON credential). */
export const MAX_TEXT = 64 * 1024;
/** Entries of one list: repos, plans, users, hooks, paths, excludes, env, flags, ids. */
export const MAX_ITEMS = 10_000;
/** Nesting of messages (the deepest real config is about 8). */
const MAX_DEPTH = 32;

const TEXT_FIELDS = new Set(['template', 'titleTemplate', 'command', 'env']);
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Every oversize string, NUL byte, oversize list and out-of-range int64 in `msg`, with its path. */
export function limitIssues(msg: unknown, root = ''): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walk(msg, root, '', 0, issues);
  return issues;
}

function walk(v: unknown, path: string, field: string, depth: number, issues: ValidationIssue[]): void {
  const at = path || field || 'request';
  if (typeof v === 'string') {
    const max = TEXT_FIELDS.has(field) ? MAX_TEXT : MAX_LINE;
    if (v.length > max)
      issues.push({ path: at, message: `is too long (${v.length} characters, at most ${max})` });
    else if (v.includes('\0')) issues.push({ path: at, message: 'must not contain a NUL character' });
    return;
  }
  if (typeof v === 'bigint') {
    if (v > SAFE || v < -SAFE)
      issues.push({ path: at, message: `is out of range (at most ${SAFE} in magnitude)` });
    return;
  }
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return;
  if (depth > MAX_DEPTH) {
    issues.push({ path: at, message: `is nested too deeply (at most ${MAX_DEPTH} levels)` });
    return;
  }
  if (Array.isArray(v)) {
    if (v.length > MAX_ITEMS) {
      issues.push({ path: at, message: `has too many entries (${v.length}, at most ${MAX_ITEMS})` });
      return;
    }
    v.forEach((x, i) => walk(x, `${at}[${i}]`, field, depth + 1, issues));
    return;
  }
  const o = v as Record<string, unknown>;
  if ('case' in o && 'value' in o && Object.keys(o).length === 2) {
    if (typeof o.case === 'string') walk(o.value, join(path, o.case), o.case, depth + 1, issues);
    return;
  }
  for (const [k, x] of Object.entries(o)) {
    if (k === '$typeName' || k === '$unknown') continue;
    walk(x, join(path, k), k, depth + 1, issues);
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
