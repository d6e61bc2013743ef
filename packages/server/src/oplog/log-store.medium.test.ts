import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../errors.js';
import { FileLogStore, missingLogMessage, TASK_LOG_TTL_MS } from './log-store.js';

let dir: string;
let store: FileLogStore;
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-logs-'));
  store = await FileLogStore.open(dir);
});
afterEach(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of it) parts.push(b);
  return Buffer.concat(parts).toString();
}

describe('FileLogStore', () => {
  it('writes, finalises (gzip) and reads back a log', async () => {
    const w = store.create({ ownerOpId: 7n });
    expect(w.ref).toMatch(/^t-[0-9a-f-]{36}$/);
    w.write('hello ');
    w.write(new TextEncoder().encode('world'));
    expect(await store.read(w.ref)).toEqual(Buffer.from('hello world'));
    await w.close();
    await w.close();
    expect(fs.existsSync(path.join(dir, `${w.ref}.log.gz`))).toBe(true);
    expect(fs.readdirSync(path.join(dir, '.inprogress'))).toEqual([]);
    expect((await store.read(w.ref)).toString()).toBe('hello world');
    expect(store.exists(w.ref)).toBe(true);
  });

  it('follows a log live while it is written and ends when the writer closes', async () => {
    const w = store.create({ prefix: 'c' });
    w.write('line 1\n');
    const seen: string[] = [];
    const done = (async () => {
      for await (const chunk of store.follow(w.ref)) seen.push(chunk.toString());
    })();
    await vi.waitFor(() => expect(seen.join('')).toBe('line 1\n'));
    w.write('line 2\n');
    await vi.waitFor(() => expect(seen.join('')).toBe('line 1\nline 2\n'));
    w.write('line 3\n');
    await w.close();
    await done;
    expect(seen.join('')).toBe('line 1\nline 2\nline 3\n');
    // A follower arriving after the end gets the whole log at once.
    expect(await collect(store.follow(w.ref))).toBe('line 1\nline 2\nline 3\n');
  });

  it('many concurrent writes and followers see every byte in order', async () => {
    const w = store.create();
    const followers = Array.from({ length: 3 }, () => collect(store.follow(w.ref)));
    let expected = '';
    for (let i = 0; i < 200; i++) {
      const line = `${i} ${'x'.repeat(i % 50)}\n`;
      expected += line;
      w.write(line);
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await w.close();
    expect(await Promise.all(followers)).toEqual([expected, expected, expected]);
  });

  it('stops following when the signal aborts', async () => {
    const w = store.create();
    w.write('a');
    const ac = new AbortController();
    const it = store.follow(w.ref, { signal: ac.signal })[Symbol.asyncIterator]();
    expect((await it.next()).value?.toString()).toBe('a');
    const waiting = it.next();
    ac.abort();
    expect((await waiting).done).toBe(true);
    await w.close();
  });

  it('caps a log at maxBytes and notes what was dropped', async () => {
    const w = store.create({ maxBytes: 10 });
    w.write('0123456789abcdef');
    w.write('more');
    expect(w.size).toBe(10);
    await w.close();
    expect((await store.read(w.ref)).toString()).toBe(
      '0123456789\n[restora: output truncated, 10 bytes dropped]\n',
    );
  });

  it('reports a missing or malformed ref with Backrest’s message', async () => {
    await expect(store.read('t-nope')).rejects.toThrow(NotFoundError);
    await expect(store.read('../../etc/passwd')).rejects.toThrow(missingLogMessage('../../etc/passwd'));
    await expect(collect(store.follow('c-missing'))).rejects.toThrow('it may have expired');
    expect(store.exists('t-nope')).toBe(false);
  });

  it('GC removes expired task logs and logs whose op is gone, keeps command logs and live ones', async () => {
    const expired = store.create();
    const orphan = store.create({ prefix: 'c', ownerOpId: 99n });
    const kept = store.create({ prefix: 'c', ownerOpId: 1n });
    const running = store.create({ ownerOpId: 98n });
    for (const w of [expired, orphan, kept]) await w.close();
    const removed = await store.collectGarbage((id) => id === 1n, Date.now() + TASK_LOG_TTL_MS + 1000);
    expect(removed.sort()).toEqual([expired.ref, orphan.ref].sort());
    expect(store.exists(kept.ref)).toBe(true);
    expect(store.exists(running.ref)).toBe(true);
    await running.close();
  });

  it('on reopen, finalises logs a crash left in progress', async () => {
    // The "crashed" process: its writer never closes.
    const crashed = await FileLogStore.open(dir);
    const w = crashed.create();
    w.write('partial output');
    const reopened = await FileLogStore.open(dir);
    expect((await reopened.read(w.ref)).toString()).toBe(
      'partial output\n[restora: log incomplete, the process stopped while it was written]\n',
    );
    expect(fs.readdirSync(path.join(dir, '.inprogress'))).toEqual([]);
    await reopened.close();
  });
});
