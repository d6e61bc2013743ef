import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSealed, SealedValueError, SecretBox, sealedKeyId } from './box.js';
import { keyIdOf, parseKeyMaterial } from './key.js';

const keyOf = (origin: string) => parseKeyMaterial(crypto.randomBytes(32), origin);

describe('SecretBox', () => {
  it('seals to a self-describing value naming the key, and opens it back', () => {
    const box = new SecretBox(keyOf('/data/secret.key'));
    const sealed = box.seal('b2-päss word$1');
    expect(sealed).toMatch(/^sealed:v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('b2-p');
    expect(sealedKeyId(sealed)).toBe(box.key.id);
    expect(box.key.id).toBe(keyIdOf(box.key.bytes));
    expect(box.open(sealed)).toBe('b2-päss word$1');
    // a fresh nonce every time
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('keeps empty values empty', () => {
    const box = new SecretBox(keyOf('k'));
    expect(box.seal('')).toBe('');
  });

  it('names the key a value was sealed with when another key is in use', () => {
    const a = new SecretBox(keyOf('/a/secret.key'));
    const b = new SecretBox(keyOf('/b/secret.key'));
    const sealed = a.seal('hunter2');
    let err: unknown;
    try {
      b.open(sealed);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SealedValueError);
    expect((err as SealedValueError).reason).toBe('wrong-key');
    expect((err as Error).message).toContain(`sealed with key ${a.key.id}`);
    expect((err as Error).message).toContain('/b/secret.key');
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('detects a tampered value', () => {
    const box = new SecretBox(keyOf('k'));
    const sealed = box.seal('hunter2');
    const i = sealed.length - 5;
    const flipped = sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1);
    expect(() => box.open(flipped)).toThrow(/altered/);
    expect(() => box.open(`sealed:v1:${box.key.id}:AAAA`)).toThrow(/truncated/);
    expect(() => box.open(`sealed:v1:nothex:AAAA`)).toThrow(/malformed/);
  });

  it('passes legacy plaintext through openOrPlain', () => {
    const box = new SecretBox(keyOf('k'));
    expect(isSealed('hunter2')).toBe(false);
    expect(box.openOrPlain('hunter2')).toBe('hunter2');
    expect(box.openOrPlain(box.seal('hunter2'))).toBe('hunter2');
  });
});

describe('parseKeyMaterial', () => {
  it('accepts raw bytes, hex and base64 of 32 bytes, and refuses anything else naming the origin', () => {
    const raw = crypto.randomBytes(32);
    const id = keyIdOf(raw);
    expect(parseKeyMaterial(raw, 'f').id).toBe(id);
    expect(parseKeyMaterial(`${raw.toString('hex')}\n`, 'f').id).toBe(id);
    expect(parseKeyMaterial(raw.toString('base64'), 'f').id).toBe(id);
    expect(parseKeyMaterial(raw.toString('base64url'), 'f').id).toBe(id);
    expect(() => parseKeyMaterial('short', 'RESTORA_SECRET_KEY')).toThrow(
      /RESTORA_SECRET_KEY: not a secret key/,
    );
    expect(() => parseKeyMaterial(crypto.randomBytes(16).toString('hex'), 'f')).toThrow(/32 bytes/);
  });
});
