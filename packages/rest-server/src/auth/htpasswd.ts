import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { verifyHash } from './verify-hash.js';

const USER_RE = /^[\p{L}\d@._-]+$/u;
const CACHE_MS = 60_000;

export interface HtpasswdOptions {
  /** Minimum time between two change checks of the file (rest-server: 30 s). */
  checkIntervalMs?: number;
  log?: (line: string) => void;
}

/** Parses htpasswd text; invalid user names are skipped (and reported), comments ignored. */
export function parseHtpasswd(
  text: string,
  log: (line: string) => void = () => undefined,
): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i < 0) continue;
    const user = line.slice(0, i);
    const hash =
      line
        .slice(i + 1)
        .split(':')[0]
        ?.trim() ?? '';
    if (!USER_RE.test(user)) {
      log(`htpasswd: ignoring invalid user name ${JSON.stringify(user)}`);
      continue;
    }
    users.set(user, hash);
  }
  return users;
}

/** htpasswd users, reloaded when the file changes (checked at most every interval) or on reload(). */
export class Htpasswd {
  private users = new Map<string, string>();
  private stamp = '';
  private lastCheck = 0;
  private readonly cache = new Map<string, number>();
  private readonly interval: number;
  private readonly log: (line: string) => void;

  constructor(
    readonly file: string,
    opts: HtpasswdOptions = {},
  ) {
    this.interval = opts.checkIntervalMs ?? 30_000;
    this.log = opts.log ?? (() => undefined);
    this.load(true);
  }

  get size(): number {
    return this.users.size;
  }

  /** Re-reads the file; a failed reload keeps the old users. Throws only on the first load. */
  load(first = false): void {
    try {
      const st = statSync(this.file);
      const text = readFileSync(this.file, 'utf8');
      this.users = parseHtpasswd(text, this.log);
      this.stamp = `${st.mtimeMs}:${st.size}`;
      this.lastCheck = Date.now();
      this.cache.clear();
      if (!first) this.log(`Reloaded htpasswd file ${this.file}`);
    } catch (err) {
      if (first) throw err;
      this.log(`cannot reload ${this.file}, keeping the old users: ${(err as Error).message}`);
    }
  }

  private maybeReload(now: number): void {
    if (now - this.lastCheck < this.interval) return;
    this.lastCheck = now;
    try {
      const st = statSync(this.file);
      if (`${st.mtimeMs}:${st.size}` !== this.stamp) this.load();
    } catch {
      // Missing file: keep the users we have.
    }
  }

  async validate(user: string, password: string): Promise<boolean> {
    const now = Date.now();
    this.maybeReload(now);
    const hash = this.users.get(user);
    if (hash === undefined) return false;
    const key = createHash('sha256').update(`${user}:${password}:${hash}`).digest('base64');
    const expiry = this.cache.get(key);
    if (expiry !== undefined && expiry > now) {
      this.cache.set(key, now + CACHE_MS);
      return true;
    }
    if (expiry !== undefined) this.cache.delete(key);
    if (!(await verifyHash(password, hash))) return false;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, now + CACHE_MS);
    return true;
  }
}
