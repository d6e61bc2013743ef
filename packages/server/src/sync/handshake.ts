// The identity handshake inside the encrypted channel: each side signs SHA-256 over a domain label, the protocol
// version, its instance id, the pairing secret and the transport transcript (Backrest's protocol version 3).
import crypto from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import {
  SyncStreamItem_SyncActionHandshakeSchema,
  SyncStreamItemSchema,
  type SyncStreamItem,
  type SyncStreamItem_SyncActionHandshake,
} from '@restora/proto';
import { authError } from './errors.js';
import { verifyWithPeerKey, type LocalIdentity } from './identity.js';

export const SYNC_PROTOCOL_VERSION = 3n;
const BIND_LABEL = Buffer.from('backrest-sync-handshake/v1\0');

function lp(b: Uint8Array): Buffer[] {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return [len, Buffer.from(b)];
}

export function handshakeBindInput(
  version: bigint,
  instanceId: string,
  secret: string,
  transcript: Uint8Array,
): Buffer {
  const v = Buffer.alloc(8);
  v.writeBigUInt64BE(BigInt.asUintN(64, version));
  const h = crypto.createHash('sha256').update(BIND_LABEL).update(v);
  for (const part of [...lp(Buffer.from(instanceId)), ...lp(Buffer.from(secret)), ...lp(transcript)])
    h.update(part);
  return h.digest();
}

export function createHandshake(
  identity: LocalIdentity,
  instanceId: string,
  pairingSecret: string,
  transcript: Uint8Array,
): SyncStreamItem {
  const signature = identity.sign(
    handshakeBindInput(SYNC_PROTOCOL_VERSION, instanceId, pairingSecret, transcript),
  );
  return create(SyncStreamItemSchema, {
    action: {
      case: 'handshake',
      value: create(SyncStreamItem_SyncActionHandshakeSchema, {
        protocolVersion: SYNC_PROTOCOL_VERSION,
        publicKey: identity.publicKey,
        instanceId,
        pairingSecret,
        signature,
      }),
    },
  });
}

/** Checks version, key id against key, and the signature over this connection's transcript. Throws an auth error. */
export function verifyHandshake(
  item: SyncStreamItem | undefined,
  transcript: Uint8Array,
): SyncStreamItem_SyncActionHandshake {
  if (item?.action.case !== 'handshake') throw authError('the peer did not start with a handshake');
  const hs = item.action.value;
  if (hs.protocolVersion !== SYNC_PROTOCOL_VERSION)
    throw authError(
      `protocol version mismatch: expected ${SYNC_PROTOCOL_VERSION}, got ${hs.protocolVersion}`,
    );
  if (!hs.publicKey?.keyid) throw authError('the peer sent no public key');
  if (!hs.instanceId) throw authError('the peer sent no instance id');
  if (hs.signature.length === 0) throw authError('the peer sent no handshake signature');
  let ok: boolean;
  try {
    ok = verifyWithPeerKey(
      hs.publicKey,
      handshakeBindInput(hs.protocolVersion, hs.instanceId, hs.pairingSecret, transcript),
      hs.signature,
    );
  } catch (e) {
    throw authError(`the peer's public key is invalid: ${(e as Error).message}`);
  }
  if (!ok)
    throw authError(
      'the handshake signature does not verify (wrong key, or a replayed or relayed handshake)',
    );
  return hs;
}
