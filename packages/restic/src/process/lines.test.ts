import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines } from './lines.js';

async function collect(chunks: (string | Buffer)[], max?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const l of readLines(Readable.from(chunks), max)) out.push(l);
  return out;
}

describe('readLines', () => {
  it('joins lines split across chunks and keeps a final partial line', async () => {
    expect(await collect(['ab', 'c\nde', 'f\n', 'g'])).toEqual(['abc', 'def', 'g']);
  });

  it('decodes multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('é\n');
    expect(await collect([bytes.subarray(0, 1), bytes.subarray(1)])).toEqual(['é']);
  });

  it('strips ANSI clear-line sequences and carriage returns', async () => {
    expect(await collect(['\x1b[2K{"a":1}\r\n'])).toEqual(['{"a":1}']);
  });

  it('caps runaway lines and resumes at the next newline', async () => {
    const lines = await collect(['x'.repeat(50), 'y'.repeat(50) + '\nok\n'], 10);
    expect(lines).toEqual(['xxxxxxxxxx', 'ok']);
  });
});
