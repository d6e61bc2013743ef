// Backrest's sync transport: HPKE base mode (RFC 9180) with the MLKEM1024-P384 hybrid KEM (draft-ietf-hpke-pq,
// KEM 0x0051), HKDF-SHA256 and AES-256-GCM; two exported keys (one per direction) and a transcript both sides sign.
import crypto from 'node:crypto';
import { ml_kem1024_p384 } from '@noble/post-quantum/hybrid.js';

export const TRANSPORT_VERSION = 1;
const INFO = Buffer.from(`backrest-sync-transport-v${TRANSPORT_VERSION}`);
const LABEL_I2R = `backrest-sync-session-key/v${TRANSPORT_VERSION}/initiator-to-responder`;
const LABEL_R2I = `backrest-sync-session-key/v${TRANSPORT_VERSION}/responder-to-initiator`;
const KEM_ID = 0x0051;
const KDF_HKDF_SHA256 = 0x0001;
const AEAD_AES_256_GCM = 0x0002;

export interface TransportKeys {
  send: Buffer;
  recv: Buffer;
  transcript: Buffer;
}

const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

export function suiteId(kem: number, kdf: number, aead: number): Buffer {
  return Buffer.concat([Buffer.from('HPKE'), u16(kem), u16(kdf), u16(aead)]);
}

/** HKDF hashes of the key schedule: the transport uses SHA-256; SHA-384 lets the published ML-KEM-1024-P384 vectors check it. */
export type HkdfHash = 'sha256' | 'sha384';
const HASH_LEN: Record<HkdfHash, number> = { sha256: 32, sha384: 48 };

function labeledExtract(hash: HkdfHash, suite: Buffer, salt: Buffer, label: string, ikm: Buffer): Buffer {
  return crypto
    .createHmac(hash, salt)
    .update(Buffer.concat([Buffer.from('HPKE-v1'), suite, Buffer.from(label), ikm]))
    .digest();
}

function labeledExpand(
  hash: HkdfHash,
  suite: Buffer,
  prk: Buffer,
  label: string,
  info: Buffer,
  length: number,
): Buffer {
  const fullInfo = Buffer.concat([u16(length), Buffer.from('HPKE-v1'), suite, Buffer.from(label), info]);
  const out: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let i = 1; out.length * HASH_LEN[hash] < length; i++) {
    prev = crypto
      .createHmac(hash, prk)
      .update(Buffer.concat([prev, fullInfo, Buffer.from([i])]))
      .digest();
    out.push(prev);
  }
  return Buffer.concat(out).subarray(0, length);
}

/**
 * RFC 9180 base-mode key schedule. The sync transport uses only the exporter (HKDF-SHA256); the AEAD key and base
 * nonce (`keyLength` bytes, 12) complete the schedule so that published vectors check every step of it.
 */
export function hpkeKeySchedule(
  suite: Buffer,
  sharedSecret: Buffer,
  info: Buffer,
  hash: HkdfHash = 'sha256',
  keyLength = 32,
) {
  const empty = Buffer.alloc(0);
  const pskIdHash = labeledExtract(hash, suite, empty, 'psk_id_hash', empty);
  const infoHash = labeledExtract(hash, suite, empty, 'info_hash', info);
  const context = Buffer.concat([Buffer.from([0]), pskIdHash, infoHash]);
  const secret = labeledExtract(hash, suite, sharedSecret, 'secret', empty);
  const exporterSecret = labeledExpand(hash, suite, secret, 'exp', context, HASH_LEN[hash]);
  return {
    key: () => labeledExpand(hash, suite, secret, 'key', context, keyLength),
    baseNonce: () => labeledExpand(hash, suite, secret, 'base_nonce', context, 12),
    exporterSecret,
    exportKey: (exporterContext: string | Uint8Array, length: number) =>
      labeledExpand(hash, suite, exporterSecret, 'sec', Buffer.from(exporterContext), length),
  };
}

function transcriptOf(initiatorPub: Uint8Array, enc: Uint8Array): Buffer {
  return crypto
    .createHash('sha256')
    .update(Buffer.from('backrest-sync-transport-transcript/v1\0'))
    .update(u32(TRANSPORT_VERSION))
    .update(u32(initiatorPub.length))
    .update(initiatorPub)
    .update(u32(enc.length))
    .update(enc)
    .digest();
}

function keysFrom(sharedSecret: Uint8Array): { i2r: Buffer; r2i: Buffer } {
  const ex = hpkeKeySchedule(
    suiteId(KEM_ID, KDF_HKDF_SHA256, AEAD_AES_256_GCM),
    Buffer.from(sharedSecret),
    INFO,
  );
  return { i2r: ex.exportKey(LABEL_I2R, 32), r2i: ex.exportKey(LABEL_R2I, 32) };
}

/** Initiator (client): an ephemeral key pair; its public key goes in `kem_public_key`. */
export function newInitiator(): { publicKey: Uint8Array; finish(enc: Uint8Array): TransportKeys } {
  const { publicKey, secretKey } = ml_kem1024_p384.keygen();
  return {
    publicKey,
    finish(enc) {
      const ss = ml_kem1024_p384.decapsulate(enc, secretKey);
      const { i2r, r2i } = keysFrom(ss);
      return { send: i2r, recv: r2i, transcript: transcriptOf(publicKey, enc) };
    },
  };
}

/** Responder (host): encapsulates to the initiator's key; `enc` goes back in `kem_encapsulation`. */
export function respond(initiatorPub: Uint8Array): { enc: Uint8Array; keys: TransportKeys } {
  if (initiatorPub.length !== ml_kem1024_p384.lengths.publicKey)
    throw new Error(
      `KEM public key must be ${ml_kem1024_p384.lengths.publicKey} bytes, got ${initiatorPub.length}`,
    );
  const { cipherText, sharedSecret } = ml_kem1024_p384.encapsulate(initiatorPub);
  const { i2r, r2i } = keysFrom(sharedSecret);
  return {
    enc: cipherText,
    keys: { send: r2i, recv: i2r, transcript: transcriptOf(initiatorPub, cipherText) },
  };
}

/** AES-256-GCM with a per-direction counter nonce (12 bytes, counter big-endian in the last 8), as Backrest. */
export class DirectionalCipher {
  private counter = 0n;
  constructor(private readonly key: Buffer) {}

  nextNonce(): Buffer {
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64BE(this.counter++, 4);
    return nonce;
  }

  seal(plaintext: Uint8Array): { nonce: Buffer; ciphertext: Buffer } {
    const nonce = this.nextNonce();
    const c = crypto.createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    return { nonce, ciphertext: body };
  }

  /** Throws on a nonce out of order (replay, reorder) or a failed tag. */
  open(nonce: Uint8Array, ciphertext: Uint8Array): Buffer {
    const expected = this.nextNonce();
    if (nonce.length !== 12) throw new Error(`invalid nonce size: got ${nonce.length}, want 12`);
    if (!expected.equals(Buffer.from(nonce))) throw new Error('nonce mismatch: possible replay or reorder');
    if (ciphertext.length < 16) throw new Error('ciphertext too short');
    const d = crypto.createDecipheriv('aes-256-gcm', this.key, expected);
    d.setAuthTag(Buffer.from(ciphertext.subarray(ciphertext.length - 16)));
    return Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - 16)), d.final()]);
  }
}
