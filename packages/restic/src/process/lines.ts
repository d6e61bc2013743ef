import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/** Longest line kept; longer lines are cut (restic never prints useful lines this long). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes ANSI escape sequences and carriage returns that restic prints around progress lines. */
export function cleanLine(line: string): string {
  return line.replace(ANSI, '').replace(/\r/g, '');
}

/**
 * Splits a byte stream into lines without buffering more than one line. Pulling lazily keeps
 * backpressure: when the consumer stops reading, the child blocks on its pipe.
 */
export async function* readLines(stream: Readable, maxLine = MAX_LINE_BYTES): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let dropping = false;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      const piece = text.slice(start, nl);
      if (!dropping) yield cleanLine(rest + piece);
      rest = '';
      dropping = false;
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (!dropping) {
      rest += text.slice(start);
      // Cap a runaway line: keep its head, drop the rest until the next newline.
      if (rest.length > maxLine) {
        yield cleanLine(rest.slice(0, maxLine));
        rest = '';
        dropping = true;
      }
    }
  }
  rest += decoder.end();
  if (rest.length > 0 && !dropping) yield cleanLine(rest);
}
