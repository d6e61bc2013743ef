// Sealed values: `sealed:v1:<key id>:<base64url(nonce | ciphertext | tag)>`, AES-256-GCM under the sealing key.
import crypto from 'node:crypto';
import type { SecretKey } from './key.js';

export const SEALED_PREFIX = 'sealed:v1:';
const NONCE = 12;
const TAG = 16;
// Binds every ciphertext to this format, so a blob from another use of the same key does not open here.
const AAD = Buffer.from('restora secret v1');

export type OpenFailure = 'wrong-key' | 'tampered' | 'malformed';

export class SealedValueError extends Error {
  constructor(
    readonly reason: OpenFailure,
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
  }
}

export const isSealed = (v: string): boolean => v.startsWith(SEALED_PREFIX);

/** The key id a sealed value names, or undefined when it is not a sealed value. */
export function sealedKeyId(v: string): string | undefined {
  if (!isSealed(v)) return undefined;
  return /^([0-9a-f]{8}):/.exec(v.slice(SEALED_PREFIX.length))?.[1];
}

export class SecretBox {
  constructor(readonly key: SecretKey) {}

  /** Seals any string (empty stays empty: nothing to hide, and Backrest treats '' as unset). */
  seal(plain: string): string {
    if (plain === '') return '';
    const nonce = crypto.randomBytes(NONCE);
    const c = crypto.createCipheriv('aes-256-gcm', this.key.bytes, nonce);
    c.setAAD(AAD);
    const body = Buffer.concat([nonce, c.update(plain, 'utf8'), c.final(), c.getAuthTag()]);
    return `${SEALED_PREFIX}${this.key.id}:${body.toString('base64url')}`;
  }

  /** Opens a sealed value; throws SealedValueError saying whether the key differs or the value was altered. */
  open(value: string): string {
    if (!isSealed(value)) throw new SealedValueError('malformed', 'not a sealed value');
    const m = /^([0-9a-f]{8}):([A-Za-z0-9_-]+)$/.exec(value.slice(SEALED_PREFIX.length));
    if (!m) throw new SealedValueError('malformed', 'malformed sealed value');
    const [, keyId, data] = m as unknown as [string, string, string];
    if (keyId !== this.key.id)
      throw new SealedValueError(
        'wrong-key',
        `sealed with key ${keyId}, which is not the key in use (${this.key.id}, ${this.key.origin})`,
        keyId,
      );
    const body = Buffer.from(data, 'base64url');
    if (body.length < NONCE + TAG) throw new SealedValueError('malformed', 'truncated sealed value');
    try {
      const d = crypto.createDecipheriv('aes-256-gcm', this.key.bytes, body.subarray(0, NONCE));
      d.setAAD(AAD);
      d.setAuthTag(body.subarray(body.length - TAG));
      return Buffer.concat([d.update(body.subarray(NONCE, body.length - TAG)), d.final()]).toString('utf8');
    } catch {
      throw new SealedValueError('tampered', 'sealed value was altered (authentication failed)', keyId);
    }
  }

  /** Opens a sealed value, passes anything else through (legacy plaintext). */
  openOrPlain(value: string): string {
    return isSealed(value) ? this.open(value) : value;
  }
}
