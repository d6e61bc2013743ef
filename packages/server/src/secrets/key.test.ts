import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEY_ENV, keyIdOf, loadOrCreateKeyFile, loadSecretKey, takeKeySource } from './key.js';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-key-'));
  umask = process.umask();
});
afterEach(() => {
  process.umask(umask);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('loadSecretKey', () => {
  it.each([0o000, 0o022])('creates <data>/secret.key 0600 under umask %o, then reuses it', (mask) => {
    process.umask(mask);
    const data = path.join(dir, 'data');
    const a = loadSecretKey({}, data);
    const file = path.join(data, 'secret.key');
    expect(a.origin).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(data)).toEqual(['secret.key']); // no temp file left
    const b = loadSecretKey({}, data);
    expect(b.id).toBe(a.id);
    expect(Buffer.compare(b.bytes, a.bytes)).toBe(0);
  });

  it('keeps the key another process created first', () => {
    const file = path.join(dir, 'secret.key');
    const theirs = crypto.randomBytes(32);
    fs.writeFileSync(file, theirs.toString('hex'), { mode: 0o600 });
    expect(loadOrCreateKeyFile(file).id).toBe(keyIdOf(theirs));
  });

  it('reads a supplied key file (raw bytes, as systemd-creds writes) or a value, never the data dir then', () => {
    const raw = crypto.randomBytes(32);
    const file = path.join(dir, 'cred');
    fs.writeFileSync(file, raw);
    const fromFile = loadSecretKey({ file }, path.join(dir, 'data'));
    expect(fromFile.id).toBe(keyIdOf(raw));
    expect(fromFile.origin).toBe(file);
    const fromEnv = loadSecretKey({ value: raw.toString('base64') }, path.join(dir, 'data'));
    expect(fromEnv.id).toBe(keyIdOf(raw));
    expect(fromEnv.origin).toBe(KEY_ENV);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('fails clearly on a missing key file, a bad value, or both sources at once', () => {
    expect(() => loadSecretKey({ file: path.join(dir, 'nope') }, dir)).toThrow(
      /cannot read the secret key file .*nope: ENOENT/,
    );
    expect(() => loadSecretKey({ value: 'not-a-key' }, dir)).toThrow(/RESTORA_SECRET_KEY: not a secret key/);
    expect(() => loadSecretKey({ value: 'x', file: '/y' }, dir)).toThrow(/only one/);
  });
});

describe('takeKeySource', () => {
  it('removes RESTORA_SECRET_KEY from the environment so children never inherit it', () => {
    const env: NodeJS.ProcessEnv = { RESTORA_SECRET_KEY: ' abc ', RESTORA_SECRET_KEY_FILE: '/run/k' };
    expect(takeKeySource(env)).toEqual({ value: 'abc', file: '/run/k' });
    expect(env.RESTORA_SECRET_KEY).toBeUndefined();
    expect(takeKeySource({}, '/flag/k')).toEqual({ file: '/flag/k' });
  });
});
