// Shared contract of every Store implementation (run by fs-store.medium.test.ts and memory-store.test.ts).
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ExistsError,
  HashMismatchError,
  IncompleteBodyError,
  NoSpaceError,
  RepoMissingError,
} from '../src/storage/errors.js';
import type { FileRef, ListEntry, Store } from '../src/storage/types.js';

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export async function collect(
  store: Store,
  repo: string[],
  type: FileRef['type'] & string,
): Promise<ListEntry[]> {
  const it = await store.list(repo, type as 'data');
  if (!it) throw new Error('repository missing');
  const out: ListEntry[] = [];
  for await (const b of it) out.push(...b);
  return out;
}

/** A Writable that keeps copies of what it is given. */
export function collector(): { dest: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return { dest, bytes: () => Buffer.concat(chunks) };
}

async function readAll(store: Store, file: FileRef, start?: number, end?: number): Promise<Buffer> {
  const r = await store.open(file);
  if (!r) throw new Error('missing');
  const sink = collector();
  await r.sendTo(sink.dest, start ?? 0, end ?? r.size - 1);
  return sink.bytes();
}

export interface ContractHooks {
  make(opts: { capacity?: number }): Promise<Store> | Store;
  /** The store can simulate a full device (`capacity`); others must accept the write. */
  simulatesFullDevice?: boolean;
}

export function storeContract(name: string, hooks: ContractHooks): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const repo = ['user', 'repo'];
    beforeEach(async () => {
      store = await hooks.make({});
      await store.createRepo(repo);
    });

    it('writes, stats, reads (whole and ranges), lists and removes an object', async () => {
      const body = randomBytes(300_000);
      const file: FileRef = { repo, type: 'data', name: sha256(body) };
      expect(await store.stat(file)).toBeUndefined();
      expect(
        await store.write(file, Readable.from([body]), { size: body.length, expectedSha256: file.name }),
      ).toBe(body.length);
      expect(await store.stat(file)).toBe(body.length);
      expect((await readAll(store, file)).equals(body)).toBe(true);
      expect((await readAll(store, file, 1000, 299_999)).equals(body.subarray(1000))).toBe(true);
      expect((await readAll(store, file, 5, 9)).equals(body.subarray(5, 10))).toBe(true);
      expect(await collect(store, repo, 'data')).toEqual([{ name: file.name, size: body.length }]);
      expect(await store.remove(file)).toBe(body.length);
      expect(await store.remove(file)).toBeUndefined();
      expect(await store.open(file)).toBeUndefined();
      expect(await collect(store, repo, 'data')).toEqual([]);
    });

    it('sends several ranges from one open reader (multi-range), then refuses once released', async () => {
      const body = randomBytes(2_500_000); // a part spans several read chunks
      const file: FileRef = { repo, type: 'data', name: sha256(body) };
      await store.write(file, Readable.from([body]), { size: body.length, expectedSha256: file.name });
      const r = await store.open(file);
      if (!r) throw new Error('missing');
      const parts: [number, number][] = [
        [2_000_000, 2_499_999],
        [5, 1_200_004],
        [0, 9],
      ];
      for (const [start, end] of parts) {
        const sink = collector();
        expect(await r.sendPart(sink.dest, start, end)).toBe(end - start + 1);
        expect(sink.bytes().equals(body.subarray(start, end + 1))).toBe(true);
      }
      r.close();
      r.close(); // idempotent
      await expect(r.sendPart(collector().dest, 0, 0)).rejects.toThrow(/released/);
      const once = await store.open(file);
      await once?.sendTo(collector().dest, 0, 0);
      await expect(once?.sendPart(collector().dest, 0, 0)).rejects.toThrow(/released/); // sendTo released it
    });

    it('never overwrites an existing object or config', async () => {
      const body = Buffer.from('one');
      const file: FileRef = { repo, type: 'keys', name: sha256(body) };
      await store.write(file, Readable.from([body]), {});
      await expect(store.write(file, Readable.from([body]), {})).rejects.toBeInstanceOf(ExistsError);
      const cfg: FileRef = { repo, type: 'config', name: '' };
      await store.write(cfg, Readable.from([Buffer.from('cfg')]), {});
      await expect(store.write(cfg, Readable.from([Buffer.from('x')]), {})).rejects.toBeInstanceOf(
        ExistsError,
      );
      expect((await readAll(store, cfg)).toString()).toBe('cfg');
    });

    it('rejects a wrong hash and a short body, leaving nothing', async () => {
      const body = Buffer.from('payload');
      const wrong: FileRef = { repo, type: 'index', name: sha256(Buffer.from('other')) };
      await expect(
        store.write(wrong, Readable.from([body]), { expectedSha256: wrong.name }),
      ).rejects.toBeInstanceOf(HashMismatchError);
      expect(await store.stat(wrong)).toBeUndefined();
      const short: FileRef = { repo, type: 'index', name: sha256(body) };
      await expect(store.write(short, Readable.from([body]), { size: 100 })).rejects.toBeInstanceOf(
        IncompleteBodyError,
      );
      expect(await store.stat(short)).toBeUndefined();
      expect(await collect(store, repo, 'index')).toEqual([]);
    });

    it('an aborted stream leaves nothing and a parallel upload of the same id wins intact', async () => {
      const body = randomBytes(50_000);
      const file: FileRef = { repo, type: 'data', name: sha256(body) };
      const stalled = new PassThrough();
      const a = store.write(file, stalled, { size: body.length, expectedSha256: file.name });
      stalled.write(body.subarray(0, 1000));
      await store.write(file, Readable.from([body]), { size: body.length, expectedSha256: file.name });
      stalled.destroy(new Error('client went away'));
      await expect(a).rejects.toBeTruthy();
      expect((await readAll(store, file)).equals(body)).toBe(true);
      expect(await collect(store, repo, 'data')).toEqual([{ name: file.name, size: body.length }]);
    });

    it('lists a missing type folder as empty and an unknown repository as undefined', async () => {
      expect(await store.list(['nope'], 'snapshots')).toBeUndefined();
      expect(await store.open({ repo: ['nope'], type: 'config', name: '' })).toBeUndefined();
    });

    it('refuses config in a missing repository, creates directories for objects', async () => {
      await expect(
        store.write({ repo: ['missing'], type: 'config', name: '' }, Readable.from([Buffer.from('c')]), {}),
      ).rejects.toBeInstanceOf(RepoMissingError);
      const body = Buffer.from('lazy');
      const file: FileRef = { repo: ['lazy'], type: 'data', name: sha256(body) };
      await store.write(file, Readable.from([body]), { expectedSha256: file.name }); // streamed
      expect(await store.stat(file)).toBe(4);
      const small = Buffer.from('known size');
      const sized: FileRef = { repo: ['lazy2'], type: 'data', name: sha256(small) };
      await store.write(sized, Readable.from([small]), { size: small.length, expectedSha256: sized.name });
      expect(await store.stat(sized)).toBe(small.length);
    });

    it('keeps repositories apart and counts usage', async () => {
      const body = Buffer.from('abc');
      await store.write({ repo, type: 'snapshots', name: sha256(body) }, Readable.from([body]), {});
      await store.createRepo(['other']);
      expect(await collect(store, ['other'], 'snapshots')).toEqual([]);
      expect(await store.usage()).toBeGreaterThanOrEqual(3);
    });

    it('reports a full device as NoSpaceError when it can simulate one', async () => {
      const small = await hooks.make({ capacity: 10 });
      await small.createRepo(['r']);
      const body = randomBytes(100);
      const file: FileRef = { repo: ['r'], type: 'data', name: sha256(body) };
      const res = small.write(file, Readable.from([body]), { size: 100 });
      if (!hooks.simulatesFullDevice) {
        await res; // a real disk or bucket is not 10 bytes; covered by the quota tests instead
        return;
      }
      await expect(res).rejects.toBeInstanceOf(NoSpaceError);
      expect(await small.stat(file)).toBeUndefined();
    });
  });
}
