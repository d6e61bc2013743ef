// The sealing key: 32 bytes from a key file, RESTORA_SECRET_KEY, or <data>/secret.key created once (0600).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateFileOnce } from './private-file.js';

export const KEY_FILE_NAME = 'secret.key';
export const KEY_ENV = 'RESTORA_SECRET_KEY';
export const KEY_FILE_ENV = 'RESTORA_SECRET_KEY_FILE';

/** Where the key comes from: a file the operator supplies, a value (env), else the data dir's key file. */
export interface SecretKeySource {
  file?: string;
  /** base64 or hex of 32 bytes (RESTORA_SECRET_KEY). */
  value?: string;
}

export interface SecretKey {
  readonly bytes: Buffer;
  /** First 4 bytes of sha256(key), hex: stored in every sealed value so a wrong key is named. */
  readonly id: string;
  /** Human description of where the key came from (a path or the variable name), for errors. */
  readonly origin: string;
}

export class SecretKeyError extends Error {}

export const keyIdOf = (bytes: Uint8Array): string =>
  crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 8);

/** Accepts raw 32 bytes, or text holding base64 / base64url / hex of 32 bytes (whitespace trimmed). */
export function parseKeyMaterial(raw: Buffer | string, origin: string): SecretKey {
  const make = (bytes: Buffer): SecretKey => ({ bytes, id: keyIdOf(bytes), origin });
  if (Buffer.isBuffer(raw) && raw.length === 32) return make(Buffer.from(raw));
  const text = raw.toString().trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return make(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const b = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return make(b);
  }
  throw new SecretKeyError(`${origin}: not a secret key (expected 32 bytes, as base64 or hex)`);
}

/** Loads the key from `source`, or from (creating if absent) `<dataDir>/secret.key`. */
export function loadSecretKey(source: SecretKeySource, dataDir: string): SecretKey {
  if (source.file && source.value)
    throw new SecretKeyError(`set only one of ${KEY_FILE_ENV} (--secret-key-file) and ${KEY_ENV}`);
  if (source.value !== undefined) return parseKeyMaterial(source.value, KEY_ENV);
  if (source.file) {
    const file = path.resolve(source.file);
    let raw: Buffer;
    try {
      raw = fs.readFileSync(file);
    } catch (e) {
      throw new SecretKeyError(
        `cannot read the secret key file ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      );
    }
    return parseKeyMaterial(raw, file);
  }
  return loadOrCreateKeyFile(path.join(dataDir, KEY_FILE_NAME));
}

/** Reads the key file, or creates it atomically: a complete 0600 temp file hard-linked into place (EEXIST = reuse). */
export function loadOrCreateKeyFile(file: string): SecretKey {
  try {
    return parseKeyMaterial(fs.readFileSync(file), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const created = createPrivateFileOnce(file, `${crypto.randomBytes(32).toString('base64')}\n`);
  return parseKeyMaterial(created, file);
}

/** Reads RESTORA_SECRET_KEY(_FILE) and removes the key value from `env` so no child process inherits it. */
export function takeKeySource(env: NodeJS.ProcessEnv, flagFile?: string): SecretKeySource {
  const value = env[KEY_ENV];
  delete env[KEY_ENV];
  const file = flagFile ?? env[KEY_FILE_ENV];
  return {
    ...(file && file.trim() ? { file: file.trim() } : {}),
    ...(value && value.trim() ? { value: value.trim() } : {}),
  };
}
