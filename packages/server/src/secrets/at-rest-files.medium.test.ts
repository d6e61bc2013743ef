// Files holding secrets on disk: the Zerobyte sidecar seals its secret rows; every such file is 0600 under any umask.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateJwtSecret } from '../auth/jwt-secret.js';
import { FileLogStore } from '../oplog/log-store.js';
import { SqliteOpLog } from '../oplog/sqlite-store.js';
import { defaultResticPassword, type ZbContext } from '../services/zerobyte/context.js';
import { MetaStore, MetaStoreSecretsError } from '../services/zerobyte/meta-store.js';
import { SecretBox } from './box.js';
import { parseKeyMaterial } from './key.js';

const newBox = (origin = '/data/secret.key') =>
  new SecretBox(parseKeyMaterial(crypto.randomBytes(32), origin));
const S3_SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY';
const TOKEN = 'xoxb-slack-token-123456';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-atrest-'));
  umask = process.umask();
});
afterEach(() => {
  process.umask(umask);
  fs.rmSync(dir, { recursive: true, force: true });
});

const modeOf = (f: string) => fs.statSync(f).mode & 0o777;
/** Every byte of the database and its WAL, as SQLite left them. */
const rawDb = (file: string) =>
  Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));

describe('Zerobyte sidecar (rest-api.sqlite)', () => {
  const backend = { backend: 's3', bucket: 'b', accessKeyId: 'AKIA', secretAccessKey: S3_SECRET };

  it('seals repository, destination and schedule rows; other rows stay plain JSON', () => {
    const file = path.join(dir, 'rest-api.sqlite');
    const box = newBox();
    const meta = new MetaStore(file, box);
    meta.put('repository', 'r1', { name: 'r1', backend });
    meta.put('destination', '1', { id: 1, type: 'slack', config: { webhookUrl: TOKEN } });
    meta.put('schedule', 'p1', {
      backupWebhooks: { pre: { url: 'https://h/x', headers: [`Authorization: ${TOKEN}`] } },
    });
    meta.put('retry', 'p1', { retries: 1 });
    const rows = meta.db.prepare('SELECT kind, json FROM zb_meta').all() as { kind: string; json: string }[];
    for (const r of rows) {
      if (r.kind === 'retry') expect(r.json).toBe('{"retries":1}');
      else expect(r.json).toMatch(/^sealed:v1:/);
    }
    expect(meta.get<{ backend: typeof backend }>('repository', 'r1')?.backend.secretAccessKey).toBe(
      S3_SECRET,
    );
    expect(meta.list('destination')).toEqual([
      { key: '1', value: { id: 1, type: 'slack', config: { webhookUrl: TOKEN } } },
    ]);
    const raw = rawDb(file);
    expect(raw.includes(S3_SECRET)).toBe(false);
    expect(raw.includes(TOKEN)).toBe(false);
    meta.close();
  });

  it('seals plaintext rows of an older version at open, and names rows another key sealed', () => {
    const file = path.join(dir, 'rest-api.sqlite');
    const legacy = new MetaStore(file);
    legacy.put('repository', 'r1', { backend });
    legacy.close();
    expect(rawDb(file).includes(S3_SECRET)).toBe(true); // the fixture really holds plaintext

    const box = newBox();
    const meta = new MetaStore(file, box);
    const json = (meta.db.prepare('SELECT json FROM zb_meta').get() as { json: string }).json;
    expect(json).toMatch(/^sealed:v1:/);
    expect(meta.get<{ backend: typeof backend }>('repository', 'r1')?.backend).toEqual(backend);
    meta.db.pragma('wal_checkpoint(TRUNCATE)');
    meta.db.exec('VACUUM');
    meta.close();
    expect(rawDb(file).includes(S3_SECRET)).toBe(false);

    let err: unknown;
    try {
      new MetaStore(file, newBox('/other/secret.key'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetaStoreSecretsError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `repository "r1": sealed with key ${box.key.id}, which is not the key in use .*/other/secret.key`,
      ),
    );
  });
});

describe("Zerobyte's default restic password (zerobyte/restic.pass)", () => {
  const ctxOf = (meta: MetaStore) => ({ dataDir: dir, meta }) as unknown as ZbContext;
  const file = () => path.join(dir, 'zerobyte', 'restic.pass');

  it('is created sealed, read back the same, and names another key without a local path', () => {
    const meta = new MetaStore(':memory:', newBox());
    const pw = defaultResticPassword(ctxOf(meta));
    expect(pw).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readFileSync(file(), 'utf8')).toMatch(/^sealed:v1:/);
    expect(fs.readFileSync(file(), 'utf8')).not.toContain(pw);
    expect(modeOf(file())).toBe(0o600);
    expect(defaultResticPassword(ctxOf(meta))).toBe(pw);
    const other = new MetaStore(':memory:', newBox('/other/secret.key'));
    expect(() => defaultResticPassword(ctxOf(other))).toThrow(
      /^zerobyte\/restic\.pass cannot be opened: sealed with key [0-9a-f]{8}, which is not the key in use$/,
    );
  });

  it('seals a plaintext file an older version wrote, keeping the password', () => {
    fs.mkdirSync(path.dirname(file()), { recursive: true });
    fs.writeFileSync(file(), 'legacy-password\n', { mode: 0o600 });
    const meta = new MetaStore(':memory:', newBox());
    expect(defaultResticPassword(ctxOf(meta))).toBe('legacy-password');
    expect(fs.readFileSync(file(), 'utf8')).not.toContain('legacy-password');
    expect(defaultResticPassword(ctxOf(meta))).toBe('legacy-password');
  });
});

describe('file modes', () => {
  it.each([0o000, 0o022])('every file holding a secret is 0600 under umask %o', async (mask) => {
    process.umask(mask);
    const data = path.join(dir, 'data');
    const meta = new MetaStore(path.join(data, 'rest-api.sqlite'), newBox());
    meta.put('repository', 'r1', { backend: {} });
    const oplog = SqliteOpLog.open({ file: path.join(data, 'oplog.sqlite'), lock: false });
    const logs = await FileLogStore.open(path.join(data, 'tasklogs'));
    const w = logs.create();
    w.write('restic output\n');
    const inprogress = fs.readdirSync(path.join(data, 'tasklogs', '.inprogress'));
    expect(inprogress).toHaveLength(1);
    expect(modeOf(path.join(data, 'tasklogs', '.inprogress', inprogress[0]!))).toBe(0o600);
    await w.close();
    loadOrCreateJwtSecret(data);

    const files = [
      'rest-api.sqlite',
      'rest-api.sqlite-wal',
      'rest-api.sqlite-shm',
      'oplog.sqlite',
      'oplog.sqlite-wal',
      'oplog.sqlite-shm',
      'jwt-secret',
      ...fs
        .readdirSync(path.join(data, 'tasklogs'))
        .filter((n) => !n.startsWith('.'))
        .map((n) => `tasklogs/${n}`),
    ];
    expect(files.length).toBeGreaterThan(8); // the log and its metadata are there
    for (const f of files) expect(modeOf(path.join(data, f)), f).toBe(0o600);
    expect(modeOf(path.join(data, 'tasklogs'))).toBe(0o700);
    meta.close();
    oplog.close();
    await logs.close?.();
  });

  it('tightens files an older version left group- and world-readable', async () => {
    const data = path.join(dir, 'data');
    fs.mkdirSync(path.join(data, 'tasklogs'), { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(data, 'tasklogs'), 0o755);
    new MetaStore(path.join(data, 'rest-api.sqlite')).close();
    SqliteOpLog.open({ file: path.join(data, 'oplog.sqlite'), lock: false }).close();
    loadOrCreateJwtSecret(data);
    for (const f of ['rest-api.sqlite', 'oplog.sqlite', 'jwt-secret'])
      fs.chmodSync(path.join(data, f), 0o644);
    fs.writeFileSync(path.join(data, 'oplog.sqlite-wal'), '', { mode: 0o644 });
    fs.chmodSync(path.join(data, 'oplog.sqlite-wal'), 0o644);

    new MetaStore(path.join(data, 'rest-api.sqlite')).close();
    SqliteOpLog.open({ file: path.join(data, 'oplog.sqlite'), lock: false }).close();
    loadOrCreateJwtSecret(data);
    const logs = await FileLogStore.open(path.join(data, 'tasklogs'));
    for (const f of ['rest-api.sqlite', 'oplog.sqlite', 'jwt-secret'])
      expect(modeOf(path.join(data, f)), f).toBe(0o600);
    expect(modeOf(path.join(data, 'tasklogs'))).toBe(0o700);
    await logs.close?.();
  });
});
