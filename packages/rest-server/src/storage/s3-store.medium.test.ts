// The shared store contract against a real S3-compatible server (s3rver from npm, own process) on 127.0.0.1, plus what is
// particular to S3: the keys restic's own s3 backend uses, the signed payload, credentials kept out of errors.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3RVER_CREDENTIALS as creds, startS3rver } from '../../test/s3rver.js';
import { collect, sha256, storeContract } from '../../test/store-contract.js';
import { HashMismatchError } from './errors.js';
import { S3Store } from './s3-store.js';

let s3: Awaited<ReturnType<typeof startS3rver>>;
let endpoint = '';
let n = 0;
beforeAll(async () => {
  s3 = await startS3rver();
  endpoint = s3.endpoint;
});
afterAll(() => s3.stop());

// Every store gets its own prefix in the bucket, so the contract's tests start empty.
const make = (): S3Store => new S3Store({ url: `${endpoint}/bucket/t${n++}`, ...creds });
storeContract('S3Store (s3rver)', { make });

describe('S3Store specifics', () => {
  it("stores objects under restic's s3 layout keys and lists only valid ids", async () => {
    const store = make();
    const body = Buffer.from('object');
    const id = sha256(body);
    await store.createRepo(['r']);
    await store.write({ repo: ['r'], type: 'data', name: id }, Readable.from([body]), {
      size: body.length,
      expectedSha256: id,
    });
    const prefix = (store as unknown as { prefix: string }).prefix;
    // s3rver serves objects to anonymous GETs: read the key restic's s3 backend would read.
    const res = await fetch(`${endpoint}/bucket/${prefix}r/data/${id.slice(0, 2)}/${id}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    const signed = await store.stat({ repo: ['r'], type: 'data', name: id });
    expect(signed).toBe(body.length);
    expect(await collect(store, ['r'], 'data')).toEqual([{ name: id, size: body.length }]);
    expect(await collect(store, ['r'], 'keys')).toEqual([]);
  });

  it('pages through listings and usage (ListObjectsV2 continuation tokens)', async () => {
    const store = new S3Store({ url: `${endpoint}/bucket/paged${n++}`, ...creds, listPageSize: 2 });
    const bodies = ['a', 'b', 'c', 'd', 'e'].map((c) => Buffer.from(c.repeat(10)));
    for (const b of bodies)
      await store.write({ repo: ['p'], type: 'snapshots', name: sha256(b) }, Readable.from([b]), {});
    const names = (await collect(store, ['p'], 'snapshots')).map((e) => e.name).sort();
    expect(names).toEqual(bodies.map(sha256).sort());
    expect(await store.usage()).toBe(50);
  });

  it('refuses a body whose SHA-256 is not its name before anything is stored', async () => {
    const store = make();
    const id = sha256(Buffer.from('other'));
    await expect(
      store.write({ repo: ['r'], type: 'data', name: id }, Readable.from([Buffer.from('this')]), {
        size: 4,
        expectedSha256: id,
      }),
    ).rejects.toBeInstanceOf(HashMismatchError);
    expect(await store.stat({ repo: ['r'], type: 'data', name: id })).toBeUndefined();
  });

  it('names the operation and key on failure, never the secret', async () => {
    const store = new S3Store({
      url: `${endpoint}/bucket`,
      accessKeyId: 'nobody',
      secretAccessKey: 'wrong-secret',
    });
    const err = await store.createRepo(['r']).catch((e: Error) => e);
    expect(String(err)).toMatch(/S3 PUT r\/.restora-repo: 403 InvalidAccessKeyId/);
    expect(String(err)).not.toContain('wrong-secret');
  });
});
