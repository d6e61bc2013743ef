// Browser sessions of the REST API: random tokens, only their SHA-256 stored (a leaked db grants nothing).
import { createHash, randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface Session {
  id: string;
  username: string;
  createdAt: number;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 7 * 24 * 3_600_000;

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export class SessionStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS rest_sessions (
      id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, username TEXT NOT NULL,
      created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);
  }

  /** Creates a session; the returned token is the only copy of the secret. */
  create(username: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      id: randomBytes(12).toString('base64url'),
      username,
      createdAt: this.now(),
      expiresAt: this.now() + this.ttlMs,
    };
    this.db
      .prepare(
        'INSERT INTO rest_sessions (id, token_hash, username, created_at, expires_at) VALUES (?,?,?,?,?)',
      )
      .run(session.id, sha256(token), username, session.createdAt, session.expiresAt);
    return { token, session };
  }

  /** The live session of a token, or undefined (unknown or expired; expired rows are removed). */
  lookup(token: string): Session | undefined {
    const row = this.db
      .prepare('SELECT id, username, created_at, expires_at FROM rest_sessions WHERE token_hash = ?')
      .get(sha256(token)) as
      { id: string; username: string; created_at: number; expires_at: number } | undefined;
    if (!row) return undefined;
    if (row.expires_at <= this.now()) {
      this.db.prepare('DELETE FROM rest_sessions WHERE id = ?').run(row.id);
      return undefined;
    }
    return { id: row.id, username: row.username, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  revoke(token: string): void {
    this.db.prepare('DELETE FROM rest_sessions WHERE token_hash = ?').run(sha256(token));
  }

  /** Ends every session of a user except the one of `keepToken` (a password change revoking other sessions). */
  revokeOthers(username: string, keepToken?: string): void {
    this.db
      .prepare('DELETE FROM rest_sessions WHERE username = ? AND token_hash != ?')
      .run(username, keepToken ? sha256(keepToken) : '');
  }

  /** Drops every session of users that no longer exist (user removed from the config). */
  revokeUsersExcept(usernames: readonly string[]): void {
    const keep = new Set(usernames);
    const rows = this.db.prepare('SELECT DISTINCT username FROM rest_sessions').all() as {
      username: string;
    }[];
    for (const r of rows)
      if (!keep.has(r.username))
        this.db.prepare('DELETE FROM rest_sessions WHERE username = ?').run(r.username);
  }
}
