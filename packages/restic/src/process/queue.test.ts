import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './queue.js';

describe('AsyncQueue', () => {
  it('delivers pushed items then ends', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    const pending = q.next();
    q.push(2);
    q.end();
    expect(await pending).toEqual({ value: 1, done: false });
    expect(await q.next()).toEqual({ value: 2, done: false });
    expect(await q.next()).toEqual({ value: undefined, done: true });
  });

  it('wakes a waiting consumer', async () => {
    const q = new AsyncQueue<string>();
    const p = q.next();
    q.push('a');
    expect(await p).toEqual({ value: 'a', done: false });
  });

  it('rejects after the items when ended with an error', async () => {
    const q = new AsyncQueue<number>();
    q.push(1);
    q.end(new Error('boom'));
    expect((await q.next()).value).toBe(1);
    await expect(q.next()).rejects.toThrow('boom');
  });

  it('drops the oldest droppable item past the hard limit', () => {
    const q = new AsyncQueue<{ k: string }>(2, 3, (i) => i.k === 'status');
    for (const k of ['status', 'error', 'status', 'summary']) q.push({ k });
    expect(q.dropped).toBe(1);
  });

  it('asks producers to wait above the high-water mark', async () => {
    const q = new AsyncQueue<number>(2, 10);
    q.push(1);
    q.push(2);
    const wait = q.waitForSpace();
    expect(wait).toBeInstanceOf(Promise);
    await q.next();
    await wait;
  });
});
