// Which repos have a restic process running, kept in a small file: a crash (SIGKILL, power loss) kills restic
// with the server, and the next start unlocks exactly those repos even when the work had no operation record
// (the index step, Zerobyte's tag/delete jobs, CheckRepoExists).
import fs from 'node:fs';
import path from 'node:path';
import type { Restic } from '@restora/restic';

export class ResticJournal {
  private readonly running = new Map<string, number>();
  /** Repos listed when this process started: restic was running there when the previous one ended. */
  private readonly left: Set<string>;

  constructor(private readonly file: string) {
    this.left = new Set(read(file));
  }

  /** Repos to unlock at start (restic was running there when the previous server process died). */
  leftOver(): string[] {
    return [...this.left];
  }

  /** Recovery unlocked (or dropped) a left-over repo: the file stops listing it. */
  settle(repoId: string): void {
    if (this.left.delete(repoId)) this.write();
  }

  /** Marks a restic run on `repoId`; call the returned function once it ended. */
  begin(repoId: string): () => void {
    const n = this.running.get(repoId) ?? 0;
    this.running.set(repoId, n + 1);
    if (n === 0) this.write();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.running.get(repoId) ?? 1) - 1;
      if (left > 0) this.running.set(repoId, left);
      else {
        this.running.delete(repoId);
        this.write();
      }
    };
  }

  /**
   * `restic` with every call that returns a promise (backup, forget, prune, check, tag, copy, unlock, ...) marked
   * while it runs; `with()` keeps the marking. Streams (ls, dump) run `--no-lock` and are not marked.
   */
  track(repoId: string, restic: Restic): Restic {
    return new Proxy(restic, {
      get: (target, prop) => {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== 'function') return value;
        const fn = value as (...a: unknown[]) => unknown;
        if (prop === 'with')
          return (...args: unknown[]) => this.track(repoId, fn.apply(target, args) as Restic);
        return (...args: unknown[]) => {
          const end = this.begin(repoId);
          let result: unknown;
          try {
            result = fn.apply(target, args);
          } catch (err) {
            end();
            throw err;
          }
          if (result instanceof Promise) void result.then(end, end);
          else end();
          return result;
        };
      },
    });
  }

  private write(): void {
    const ids = [...new Set([...this.left, ...this.running.keys()])].sort();
    // rename over the old list: a crash mid-write leaves the previous list, never a torn one
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(tmp, `${JSON.stringify(ids)}\n`, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // best effort: a missing journal only means a crash's stale lock waits for restic's 30 min expiry
    }
  }
}

function read(file: string): string[] {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
