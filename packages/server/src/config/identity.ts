// The instance's multihost identity: an ed25519 key (keyId = "ed25519." + base64url(sha256(public key))).
import crypto from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { PrivateKeySchema, type PrivateKey } from '@restora/proto';

export const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function keyIdFor(publicKey: Buffer): string {
  return 'ed25519.' + crypto.createHash('sha256').update(publicKey).digest('base64url');
}

export function generateIdentity(): PrivateKey {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
  return create(PrivateKeySchema, {
    keyid: keyIdFor(pub),
    ed25519priv: seed.toString('base64'),
    ed25519pub: pub.toString('base64'),
  });
}

/** Returns why the identity cannot be used, or undefined when the seed, public key and key id agree. */
export function identityProblem(id: PrivateKey): string | undefined {
  if (!id.keyid) return 'keyId is required';
  if (!id.keyid.startsWith('ed25519.')) return `keyId ${JSON.stringify(id.keyid)} is not an ed25519 key id`;
  try {
    const seed = Buffer.from(id.ed25519priv, 'base64');
    if (seed.length !== 32) return 'ed25519priv must be a base64 32-byte seed';
    const key = crypto.createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const pub = Buffer.from(crypto.createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
    if (id.ed25519pub && Buffer.from(id.ed25519pub, 'base64').compare(pub) !== 0) {
      return 'ed25519pub does not match the private key';
    }
    if (keyIdFor(pub) !== id.keyid) return 'keyId does not match the key';
    return undefined;
  } catch {
    return 'the private key cannot be loaded';
  }
}
