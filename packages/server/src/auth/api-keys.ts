// API keys of the REST API (`x-api-key` / `Authorization: Bearer`): `zb_` + 32 random bytes, stored as SHA-256.
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../errors.js';
import { sha256 } from './sessions.js';

export interface ApiKey {
  id: string;
  name: string;
  username: string;
  /** First characters of the key, enough to recognise it in a list. */
  start: string;
  createdAt: number;
  expiresAt: number | null;
  lastRequestAt: number | null;
}

export const API_KEY_LIMIT = 50;

interface Row {
  id: string;
  name: string;
  username: string;
  start: string;
  created_at: number;
  expires_at: number | null;
  last_request_at: number | null;
}

const toKey = (r: Row): ApiKey => ({
  id: r.id,
  name: r.name,
  username: r.username,
  start: r.start,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastRequestAt: r.last_request_at,
});

export class ApiKeyStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS rest_api_keys (
      id TEXT PRIMARY KEY, key_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, username TEXT NOT NULL,
      start TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER, last_request_at INTEGER)`);
  }

  /** Creates a key; `key` is returned once and never stored. `expiresInS` null/undefined = no expiry. */
  create(username: string, name: string, expiresInS?: number | null): { key: string; apiKey: ApiKey } {
    const count = (
      this.db.prepare('SELECT COUNT(*) AS n FROM rest_api_keys WHERE username = ?').get(username) as {
        n: number;
      }
    ).n;
    if (count >= API_KEY_LIMIT) throw new ConflictError(`API key limit reached (${API_KEY_LIMIT} per user)`);
    const key = `zb_${randomBytes(32).toString('base64url')}`;
    const r: Row = {
      id: randomBytes(12).toString('base64url'),
      name,
      username,
      start: key.slice(0, 7),
      created_at: this.now(),
      expires_at: expiresInS ? this.now() + expiresInS * 1000 : null,
      last_request_at: null,
    };
    this.db
      .prepare(
        `INSERT INTO rest_api_keys (id, key_hash, name, username, start, created_at, expires_at, last_request_at)
         VALUES (?,?,?,?,?,?,?,NULL)`,
      )
      .run(r.id, sha256(key), r.name, r.username, r.start, r.created_at, r.expires_at);
    return { key, apiKey: toKey(r) };
  }

  list(username: string): ApiKey[] {
    const rows = this.db
      .prepare('SELECT * FROM rest_api_keys WHERE username = ? ORDER BY created_at')
      .all(username) as Row[];
    return rows.map(toKey);
  }

  /** The key's owner when the key is valid; records the request time. */
  verify(key: string): ApiKey | undefined {
    const row = this.db.prepare('SELECT * FROM rest_api_keys WHERE key_hash = ?').get(sha256(key)) as
      Row | undefined;
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= this.now()) return undefined;
    this.db.prepare('UPDATE rest_api_keys SET last_request_at = ? WHERE id = ?').run(this.now(), row.id);
    return toKey({ ...row, last_request_at: this.now() });
  }

  revoke(username: string, id: string): void {
    const r = this.db.prepare('DELETE FROM rest_api_keys WHERE id = ? AND username = ?').run(id, username);
    if (r.changes === 0) throw new NotFoundError('API key not found', 'apiKey', id);
  }
}
