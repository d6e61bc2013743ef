// Write-ahead sidecar rows: a row is written before the config change it belongs to, stamped with a fingerprint
// of the config part it expects, and keeps the value it replaces. Whichever of the two the config shows after a
// crash decides which value is true, so the sidecar never commits apart from config.json.
import { createHash } from 'node:crypto';

export interface Staged<T> {
  value: T;
  /** Fingerprint of the config part `value` belongs to. */
  fp: string;
  /** The value it replaced and its fingerprint, until the config change commits. */
  prev?: { value: T; fp: string };
}

export type Resolved<T> =
  | { state: 'current'; value: T }
  | { state: 'rolled-back'; value: T }
  /** The config part matches neither: it was edited elsewhere (Backrest's API) or the row is from an older version. */
  | { state: 'foreign'; value: T };

export const fingerprint = (text: string): string =>
  createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** A row as stored: older versions wrote the bare value. */
export function asStaged<T>(row: unknown): Staged<T> {
  if (row && typeof row === 'object' && 'value' in row && 'fp' in row) return row as Staged<T>;
  return { value: row as T, fp: '' };
}

/** The value the config shows to be true. */
export function resolveStaged<T>(row: Staged<T>, currentFp: string): Resolved<T> {
  if (row.fp === currentFp) return { state: 'current', value: row.value };
  if (row.prev?.fp === currentFp) return { state: 'rolled-back', value: row.prev.value };
  return { state: 'foreign', value: row.value };
}

/** The row to write before the config change: the new value, the old one kept until it commits. */
export function stage<T>(before: Staged<T> | undefined, value: T, fp: string, beforeFp: string): Staged<T> {
  return before
    ? { value, fp, prev: { value: resolveStaged(before, beforeFp).value, fp: beforeFp } }
    : { value, fp };
}
