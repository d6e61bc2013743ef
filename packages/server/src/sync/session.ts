// One sync connection after the KEM exchange: every item travels encrypted, in order; both directions keyed apart.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  SyncStreamItem_SyncActionEncryptedSchema,
  SyncStreamItem_SyncEstablishSharedSecretSchema,
  SyncStreamItemSchema,
  type SyncStreamItem,
} from '@restora/proto';
import type { AsyncQueue } from './channel.js';
import { disconnected, protocolError } from './errors.js';
import { DirectionalCipher, newInitiator, respond, TRANSPORT_VERSION } from './transport.js';

export class SyncSession {
  bytesIn = 0;
  bytesOut = 0;

  private constructor(
    private readonly incoming: AsyncIterator<SyncStreamItem>,
    private readonly out: AsyncQueue<SyncStreamItem>,
    private readonly sendCipher: DirectionalCipher,
    private readonly recvCipher: DirectionalCipher,
    readonly transcript: Buffer,
  ) {}

  /** The KEM exchange on the raw stream; the initiator (client) speaks first. */
  static async establish(
    incoming: AsyncIterator<SyncStreamItem>,
    out: AsyncQueue<SyncStreamItem>,
    initiator: boolean,
    timeoutMs?: number,
  ): Promise<SyncSession> {
    const secretItem = (v: { kemPublicKey?: Uint8Array; kemEncapsulation?: Uint8Array }) =>
      create(SyncStreamItemSchema, {
        action: {
          case: 'establishSharedSecret',
          value: create(SyncStreamItem_SyncEstablishSharedSecretSchema, {
            protocolVersion: TRANSPORT_VERSION,
            ...v,
          }),
        },
      });
    const receiveSecret = async () => {
      const r = await withTimeout(incoming.next(), timeoutMs);
      if (r.done) throw disconnected('the peer closed the connection during the key exchange');
      if (r.value.action.case !== 'establishSharedSecret')
        throw protocolError(`expected the key exchange, got ${r.value.action.case ?? 'nothing'}`);
      const v = r.value.action.value;
      if (v.protocolVersion !== TRANSPORT_VERSION)
        throw protocolError(
          `unsupported transport protocol version ${v.protocolVersion} (this build requires v${TRANSPORT_VERSION})`,
        );
      return v;
    };
    if (initiator) {
      const kem = newInitiator();
      out.push(secretItem({ kemPublicKey: kem.publicKey }));
      const peer = await receiveSecret();
      if (peer.kemEncapsulation.length === 0) throw protocolError('the host sent no KEM encapsulation');
      const keys = wrap(() => kem.finish(peer.kemEncapsulation));
      return new SyncSession(
        incoming,
        out,
        new DirectionalCipher(keys.send),
        new DirectionalCipher(keys.recv),
        keys.transcript,
      );
    }
    const peer = await receiveSecret();
    if (peer.kemPublicKey.length === 0) throw protocolError('the client sent no KEM public key');
    const { enc, keys } = wrap(() => respond(peer.kemPublicKey));
    out.push(secretItem({ kemEncapsulation: enc }));
    return new SyncSession(
      incoming,
      out,
      new DirectionalCipher(keys.send),
      new DirectionalCipher(keys.recv),
      keys.transcript,
    );
  }

  send(item: SyncStreamItem): void {
    const plain = toBinary(SyncStreamItemSchema, item);
    const { nonce, ciphertext } = this.sendCipher.seal(plain);
    this.bytesOut += ciphertext.length + 12;
    this.out.push(
      create(SyncStreamItemSchema, {
        action: {
          case: 'encrypted',
          value: create(SyncStreamItem_SyncActionEncryptedSchema, { nonce, ciphertext }),
        },
      }),
    );
  }

  /** Next decrypted item; undefined when the peer ended the stream. `timeoutMs` bounds the wait. */
  async receive(timeoutMs?: number): Promise<SyncStreamItem | undefined> {
    const r = await withTimeout(this.incoming.next(), timeoutMs);
    if (r.done) return undefined;
    if (r.value.action.case !== 'encrypted')
      throw protocolError(`expected an encrypted message, got ${r.value.action.case}`);
    const { nonce, ciphertext } = r.value.action.value;
    this.bytesIn += ciphertext.length + nonce.length;
    const plain = wrap(() => this.recvCipher.open(nonce, ciphertext));
    return fromBinary(SyncStreamItemSchema, plain);
  }
}

/** `p`, or a disconnected error once `timeoutMs` passed without it (no bound when undefined). */
async function withTimeout<T>(p: Promise<T>, timeoutMs: number | undefined): Promise<T> {
  if (!timeoutMs) return p;
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(disconnected(`no answer from the peer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw protocolError(`transport: ${(e as Error).message}`);
  }
}
