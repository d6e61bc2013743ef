// Ed25519 identities on the wire: Backrest sends public keys as unpadded standard base64 and checks that the key id
// is "ed25519." + base64url(sha256(public key)).
import crypto from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { PublicKeySchema, type PrivateKey, type PublicKey } from '@restora/proto';
import { ED25519_PKCS8_PREFIX, keyIdFor } from '../config/identity.js';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface LocalIdentity {
  keyid: string;
  publicKey: PublicKey;
  sign(message: Uint8Array): Buffer;
}

export function loadIdentity(id: PrivateKey): LocalIdentity {
  const seed = Buffer.from(id.ed25519priv, 'base64');
  if (seed.length !== 32) throw new Error('multihost identity: ed25519priv must be a 32-byte seed');
  const key = crypto.createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const pub = Buffer.from(crypto.createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
  if (keyIdFor(pub) !== id.keyid) throw new Error('multihost identity: keyId does not match the key');
  return {
    keyid: id.keyid,
    publicKey: create(PublicKeySchema, {
      keyid: id.keyid,
      ed25519pub: pub.toString('base64').replace(/=+$/, ''),
    }),
    sign: (message) => crypto.sign(null, message, key),
  };
}

/** Verifies `signature` under a peer's claimed public key; throws when the key id is not the key's own. */
export function verifyWithPeerKey(pk: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  const raw = Buffer.from(pk.ed25519pub, 'base64');
  if (raw.length !== 32) throw new Error(`invalid ed25519 public key size: got ${raw.length}, want 32`);
  const derived = keyIdFor(raw);
  if (derived !== pk.keyid) throw new Error(`public key id ${pk.keyid} does not match the key (${derived})`);
  const key = crypto.createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  return crypto.verify(null, message, key, signature);
}

/** The instance's identity from the current config, loaded once per key id (undefined until one is configured). */
export function identityFromConfig(
  current: () => { multihost?: { identity?: PrivateKey } },
): () => LocalIdentity | undefined {
  let cache: { keyid: string; id: LocalIdentity } | undefined;
  return () => {
    const id = current().multihost?.identity;
    if (!id?.keyid) return undefined;
    if (cache?.keyid !== id.keyid) cache = { keyid: id.keyid, id: loadIdentity(id) };
    return cache.id;
  };
}
