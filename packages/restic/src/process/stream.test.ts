import { describe, expect, it } from 'vitest';
import { messageStream } from './stream.js';

describe('messageStream', () => {
  it('delivers messages and the result', async () => {
    const s = messageStream<number, string>(
      async (emit) => {
        for (let i = 0; i < 3; i++) await emit(i);
        return 'done';
      },
      undefined,
      () => false,
    );
    const got: number[] = [];
    for await (const m of s) got.push(m);
    expect(got).toEqual([0, 1, 2]);
    expect(await s.result).toBe('done');
  });

  it('breaking out aborts the producer even when it waits for queue space', async () => {
    let aborted = false;
    const s = messageStream<number, void>(
      async (emit, signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        // Far more than the queue's high-water mark: the producer blocks until the consumer reads or leaves.
        for (let i = 0; i < 10_000 && !signal.aborted; i++) await emit(i);
        if (signal.aborted) throw new Error('aborted');
      },
      undefined,
      () => true,
    );
    for await (const m of s) if (m === 5) break;
    expect(aborted).toBe(true);
    await expect(s.result).rejects.toThrow('aborted');
  });
});
