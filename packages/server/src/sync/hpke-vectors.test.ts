// Known answers for the sync encryption: draft-ietf-hpke-pq's published vectors (testdata/hpke-pq-vectors.json says
// which), checked against our KEM library and our RFC 9180 key schedule. No vector has our exact suite
// (MLKEM1024-P384 + HKDF-SHA256 + AES-256-GCM): the KEM is checked with its HKDF-SHA384 entry, HKDF-SHA256 with MLKEM768-P256's.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ml_kem1024_p384 } from '@noble/post-quantum/hybrid.js';
import { describe, expect, it } from 'vitest';
import { hpkeKeySchedule, suiteId, type HkdfHash } from './transport.js';

interface Vector {
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  suite_id: string;
  info: string;
  ikmE: string;
  skRm: string;
  pkRm: string;
  enc: string;
  shared_secret: string;
  key: string;
  base_nonce: string;
  exporter_secret: string;
  encryptions: { aad: string; ct: string; nonce: string; pt: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}

const { vectors } = JSON.parse(
  readFileSync(new URL('./testdata/hpke-pq-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };
const hex = (s: string) => Buffer.from(s, 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const KDF_HASH: Record<number, HkdfHash> = { 1: 'sha256', 2: 'sha384' };
const AEAD: Record<number, { cipher: 'aes-128-gcm' | 'aes-256-gcm'; nk: number }> = {
  1: { cipher: 'aes-128-gcm', nk: 16 },
  2: { cipher: 'aes-256-gcm', nk: 32 },
};

describe('HPKE known answers (draft-ietf-hpke-pq)', () => {
  it('the fixture holds the entry for our KEM (0x0051) and one for our KDF (HKDF-SHA256)', () => {
    expect(vectors.map((v) => [v.kem_id, v.kdf_id, v.aead_id])).toEqual([
      [0x50, 1, 1],
      [0x51, 2, 2],
    ]);
  });

  it('MLKEM1024-P384: the key pair from the seed, decapsulation of enc, and derandomised encapsulation', () => {
    const v = vectors.find((x) => x.kem_id === 0x51)!;
    const { publicKey, secretKey } = ml_kem1024_p384.keygen(hex(v.skRm));
    expect(toHex(publicKey)).toBe(v.pkRm);
    // the receiver side, as the sync client (initiator) runs it
    expect(toHex(ml_kem1024_p384.decapsulate(hex(v.enc), secretKey))).toBe(v.shared_secret);
    // the sender side, as the sync host (responder) runs it, with the vector's randomness
    const { cipherText, sharedSecret } = ml_kem1024_p384.encapsulate(hex(v.pkRm), hex(v.ikmE));
    expect(toHex(cipherText)).toBe(v.enc);
    expect(toHex(sharedSecret)).toBe(v.shared_secret);
    const tampered = hex(v.enc);
    tampered[0]! ^= 1;
    expect(toHex(ml_kem1024_p384.decapsulate(tampered, secretKey))).not.toBe(v.shared_secret);
  });

  for (const v of vectors) {
    it(`key schedule, exports and ciphertexts: KEM 0x${v.kem_id.toString(16)}, KDF ${v.kdf_id}, AEAD ${v.aead_id}`, () => {
      const suite = suiteId(v.kem_id, v.kdf_id, v.aead_id);
      expect(toHex(suite)).toBe(v.suite_id);
      const { cipher, nk } = AEAD[v.aead_id]!;
      const ks = hpkeKeySchedule(suite, hex(v.shared_secret), hex(v.info), KDF_HASH[v.kdf_id], nk);
      expect(toHex(ks.key())).toBe(v.key);
      expect(toHex(ks.baseNonce())).toBe(v.base_nonce);
      expect(toHex(ks.exporterSecret)).toBe(v.exporter_secret);
      for (const e of v.exports)
        expect(toHex(ks.exportKey(hex(e.exporter_context), e.L))).toBe(e.exported_value);
      // open every published ciphertext with our key and nonces (base nonce XOR sequence number, RFC 9180 5.2)
      const key = ks.key();
      const baseNonce = ks.baseNonce();
      v.encryptions.forEach((e, seq) => {
        const nonce = Buffer.from(baseNonce);
        nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8);
        expect(toHex(nonce)).toBe(e.nonce);
        const ct = hex(e.ct);
        const d = crypto.createDecipheriv(cipher, key, nonce);
        d.setAAD(hex(e.aad));
        d.setAuthTag(ct.subarray(ct.length - 16));
        const pt = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
        expect(toHex(pt)).toBe(e.pt);
      });
    });
  }
});
