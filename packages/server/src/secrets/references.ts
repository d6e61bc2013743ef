// Secret references: a value that is exactly `${file:/absolute/path}` names a file read when restic starts.
// Exact-match syntax so a real password is never taken for a reference; `${VAR}` env references are
// handled by expandEnv (tasks/restic-adapter.ts).
import fs from 'node:fs';
import path from 'node:path';
import { FailedPreconditionError } from '../errors.js';

const FILE_REFERENCE = /^\$\{file:(\/[^}]*)\}$/;
/** Bound on a referenced file (a password or key, not a data file). */
const MAX_REFERENCED_BYTES = 64 * 1024;

/** The absolute path a `${file:/path}` value names, or undefined when the value is not a file reference. */
export function fileReferencePath(value: string): string | undefined {
  const m = FILE_REFERENCE.exec(value);
  return m && path.isAbsolute(m[1]!) ? m[1] : undefined;
}

export const isFileReference = (value: string): boolean => fileReferencePath(value) !== undefined;

/**
 * The referenced file's content with one trailing newline removed (how `echo` and systemd-creds write them).
 * A missing or unreadable file is a FailedPreconditionError naming `what` and the reference.
 */
export function readFileReference(value: string, what: string): string {
  const file = fileReferencePath(value);
  if (file === undefined) return value;
  let data: Buffer;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'not a regular file' });
    if (st.size > MAX_REFERENCED_BYTES)
      throw Object.assign(new Error('too large'), { code: `larger than ${MAX_REFERENCED_BYTES} bytes` });
    data = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code;
    throw new FailedPreconditionError(`${what}: cannot read ${value}: ${why}`);
  }
  return data.toString('utf8').replace(/\r?\n$/, '');
}
