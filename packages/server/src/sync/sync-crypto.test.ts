// Transport, handshake, permissions and pairing tokens: the pure parts of multihost.
import { create } from '@bufbuild/protobuf';
import { Multihost_PairingTokenSchema, Multihost_Permission_Type as Perm } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { generateIdentity } from '../config/identity.js';
import { createHandshake, verifyHandshake } from './handshake.js';
import { loadIdentity } from './identity.js';
import { parsePairingToken, validatePairingSecret } from './pairing.js';
import { CAN_VIEW_CONFIG, PermissionSet } from './permissions.js';
import { DirectionalCipher, newInitiator, respond } from './transport.js';

describe('sync transport', () => {
  it('both sides derive crossed keys and the same transcript; ciphertext opens only in order', () => {
    const init = newInitiator();
    expect(init.publicKey.length).toBe(1568 + 97);
    const { enc, keys: r } = respond(init.publicKey);
    expect(enc.length).toBe(1568 + 97);
    const i = init.finish(enc);
    expect(i.transcript.equals(r.transcript)).toBe(true);
    expect(i.send.equals(r.recv) && i.recv.equals(r.send)).toBe(true);
    expect(i.send.equals(i.recv)).toBe(false);
    const tx = new DirectionalCipher(i.send);
    const rx = new DirectionalCipher(r.recv);
    const a = tx.seal(Buffer.from('one'));
    const b = tx.seal(Buffer.from('two'));
    expect(() => rx.open(b.nonce, b.ciphertext)).toThrow(/nonce mismatch/);
    const rx2 = new DirectionalCipher(r.recv);
    expect(rx2.open(a.nonce, a.ciphertext).toString()).toBe('one');
    expect(rx2.open(b.nonce, b.ciphertext).toString()).toBe('two');
  });

  it('a handshake verifies only over its own transcript and with the key it names', () => {
    const id = loadIdentity(generateIdentity());
    const t1 = Buffer.alloc(32, 1);
    const hs = createHandshake(id, 'laptop', 'secret', t1);
    expect(verifyHandshake(hs, t1).instanceId).toBe('laptop');
    expect(() => verifyHandshake(hs, Buffer.alloc(32, 2))).toThrow(/does not verify/);
    const other = loadIdentity(generateIdentity());
    if (hs.action.case === 'handshake') hs.action.value.publicKey!.keyid = other.keyid;
    expect(() => verifyHandshake(hs, t1)).toThrow(/does not match the key/);
    expect(id.publicKey.ed25519pub).not.toMatch(/=/); // Backrest decodes raw (unpadded) base64
  });
});

describe('permissions', () => {
  it('scopeless covers all, exclusions win, bad scopes are named', () => {
    const p = new PermissionSet([
      { type: Perm.PERMISSION_READ_CONFIG, scopes: ['*', '!repo:secret'] } as never,
      { type: Perm.PERMISSION_READ_OPERATIONS, scopes: [] } as never,
    ]);
    expect(p.forRepo('any', CAN_VIEW_CONFIG)).toBe(true);
    expect(p.forRepo('secret', CAN_VIEW_CONFIG)).toBe(false);
    expect(p.forPlan('x', [Perm.PERMISSION_READ_OPERATIONS])).toBe(true);
    expect(p.forPlan('x', [Perm.PERMISSION_READ_WRITE_CONFIG])).toBe(false);
    expect(
      () => new PermissionSet([{ type: Perm.PERMISSION_READ_CONFIG, scopes: ['repos:x'] } as never]),
    ).toThrow(/repos:x/);
  });
});

describe('pairing tokens', () => {
  it('parses on the last # and first :, and checks expiry and uses', () => {
    expect(parsePairingToken('ed25519.k:ab:cd#inst#1')).toEqual({
      keyid: 'ed25519.k',
      secret: 'ab:cd#inst',
      instanceId: '1',
    });
    expect(() => parsePairingToken(':s#i')).toThrow(/empty key ID/);
    const t = create(Multihost_PairingTokenSchema, {
      secret: 's',
      label: 'l',
      expiresAtUnix: 100n,
      maxUses: 2,
      uses: 1,
    });
    expect(validatePairingSecret('s', [t], 99_000)).toBe(t);
    expect(() => validatePairingSecret('s', [t], 101_000)).toThrow(/expired/);
    t.uses = 2;
    expect(() => validatePairingSecret('s', [t], 99_000)).toThrow(/maximum number of uses/);
    expect(() => validatePairingSecret('x', [t], 99_000)).toThrow(/unknown/);
  });
});
