import { invalidArgument } from './errors.js';
import type { GroupBy, SnapshotFilter, TagFilter } from './options.js';

/** Small argv builder: every helper skips undefined values. */
export class Args {
  readonly list: string[] = [];

  constructor(...initial: string[]) {
    this.list.push(...initial);
  }

  flag(name: string, on: boolean | undefined): this {
    if (on) this.list.push(name);
    return this;
  }

  value(name: string, v: string | number | undefined): this {
    if (v !== undefined) this.list.push(name, String(v));
    return this;
  }

  values(name: string, vs: readonly (string | number)[] | undefined): this {
    for (const v of vs ?? []) this.list.push(name, String(v));
    return this;
  }

  tags(filter: TagFilter | undefined, name = '--tag'): this {
    for (const t of filter ?? []) this.list.push(name, Array.isArray(t) ? t.join(',') : t);
    return this;
  }

  groupBy(g: GroupBy | undefined): this {
    if (g !== undefined) this.list.push('--group-by', g.join(','));
    return this;
  }

  filter(f: SnapshotFilter | undefined): this {
    const hosts = f?.host === undefined ? [] : Array.isArray(f.host) ? f.host : [f.host];
    return this.values('--host', hosts).values('--path', f?.paths).tags(f?.tags);
  }

  /** Ends option parsing so positional values starting with `-` are not read as flags. */
  positional(vs: readonly string[]): this {
    if (vs.length > 0) this.list.push('--', ...vs);
    return this;
  }
}

export function requireNonEmpty(name: string, v: readonly unknown[] | undefined): void {
  if (!v || v.length === 0) throw invalidArgument(`${name} must be a non-empty list`);
}

export function requireString(name: string, v: unknown): asserts v is string {
  if (typeof v !== 'string' || v.trim() === '') throw invalidArgument(`${name} must be a non-empty string`);
}

export function requireCount(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < 0)
    throw invalidArgument(`${name} must be a non-negative integer, got ${v}`);
}

export function requireNoDash(name: string, v: string): void {
  if (v.startsWith('-')) throw invalidArgument(`${name} must not start with '-': ${v}`);
}

export function validateTags(name: string, tags: TagFilter | undefined): void {
  for (const t of tags ?? []) {
    const parts = Array.isArray(t) ? t : [t];
    for (const p of parts) {
      if (typeof p !== 'string' || p === '' || p.includes(',')) {
        throw invalidArgument(
          `${name}: tags must be non-empty strings without commas, got ${JSON.stringify(p)}`,
        );
      }
    }
  }
}

const DURATION = /^(\d+y)?(\d+m)?(\d+d)?(\d+h)?$/;
export function requireDuration(name: string, v: string | undefined): void {
  if (v === undefined) return;
  if (v === '' || !DURATION.test(v))
    throw invalidArgument(`${name} must look like 1y5m7d2h, got ${JSON.stringify(v)}`);
}
