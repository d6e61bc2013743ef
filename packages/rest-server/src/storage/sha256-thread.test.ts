import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nativeAddonPath } from './native-commit.js';
import { inlineSha256, offThreadSha256, stopHashThread, uploadSha256 } from './sha256-thread.js';

const sha256 = (...parts: Buffer[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

describe('offThreadSha256', () => {
  it('hashes chunks in order across batches, interleaved with another hash', async () => {
    const a = Array.from({ length: 40 }, (_, i) => randomBytes(1000 + i * 997)); // several 1 MiB batches
    const b = Array.from({ length: 5 }, () => randomBytes(70_000));
    const want = [sha256(...a), sha256(...b)];
    const ha = offThreadSha256(false);
    const hb = offThreadSha256(false);
    for (let i = 0; i < a.length; i++) {
      ha.update([a[i] as Buffer]);
      if (i < b.length) hb.update([b[i] as Buffer]);
    }
    expect(await Promise.all([ha.digest(), hb.digest()])).toEqual(want);
    expect(await offThreadSha256(true).digest()).toBe(sha256()); // empty body
  });

  it('copies chunks it was not given, and takes only chunks that span their whole memory', async () => {
    const kept = randomBytes(2_000_000);
    const slab = randomBytes(3000);
    const slice = slab.subarray(1000, 2000);
    const given = randomBytes(1_500_000);
    const want = sha256(kept, slice, given);

    const copying = offThreadSha256(false);
    copying.update([Buffer.from(kept)]);
    const keptCopy = Buffer.from(kept);
    const h = offThreadSha256(true);
    h.update([keptCopy, slice]);
    expect(keptCopy.length).toBe(0); // moved to the thread
    expect(slice.length).toBe(1000); // part of a larger buffer: copied
    h.update([given]);
    expect(await h.digest()).toBe(want);
    expect(await copying.digest()).toBe(sha256(kept));
  });

  it('a discarded hash does not disturb the next ones', async () => {
    const d = offThreadSha256(false);
    d.update([randomBytes(2_000_000)]);
    d.discard();
    d.discard(); // idempotent
    const body = randomBytes(1_200_000);
    const h = offThreadSha256(false);
    h.update([body]);
    expect(await h.digest()).toBe(sha256(body));
  });

  it('a hash whose thread died fails instead of hanging, and the next one gets a new thread', async () => {
    const begun = offThreadSha256(false);
    begun.update([randomBytes(600_000)]); // one batch already sent to the old thread
    await stopHashThread();
    begun.update([randomBytes(10)]);
    await expect(begun.digest()).rejects.toThrow(/hash thread/);
    const waiting = offThreadSha256(false);
    const pending = waiting.digest();
    await stopHashThread();
    await expect(pending).rejects.toThrow(/hash thread/);
    const body = randomBytes(700_000);
    const want = sha256(body);
    const next = offThreadSha256(true);
    next.update([body]);
    expect(await next.digest()).toBe(want);
  });
});

describe('uploadSha256', () => {
  it('hashes on the event loop or the thread by how many are in flight, with the same digests', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => [randomBytes(5000 + i), randomBytes(70_000)]);
    const hashes = bodies.map(() => uploadSha256(false)); // past 4 in flight, the rest go to the thread
    bodies.forEach((chunks, i) => hashes[i]?.update(chunks));
    expect(await Promise.all(hashes.map((h) => h.digest()))).toEqual(bodies.map((c) => sha256(...c)));
    const dropped = uploadSha256(false);
    dropped.update([randomBytes(10)]);
    dropped.discard();
    const again = uploadSha256(false); // the count went back down: this one hashes inline
    again.update([Buffer.from('x')]);
    expect(await again.digest()).toBe(sha256(Buffer.from('x')));
  });

  it.skipIf(!nativeAddonPath)(
    'frees owned chunks once hashed on the event loop (native addon built)',
    async () => {
      const owned = Buffer.alloc(100_000, 7);
      const want = sha256(owned);
      const h = inlineSha256(true);
      h.update([owned]);
      expect(owned.buffer.byteLength).toBe(0); // detached: its memory is back now, not at a later GC
      expect(await h.digest()).toBe(want);
    },
  );
});
