import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type { ObjectReader } from '../storage/types.js';
import type { ByteRange } from './range.js';

/** A multipart/byteranges body as Go's mime/multipart Writer frames it, sized before anything is sent. */
export interface Byteranges {
  boundary: string;
  /** Delimiter and part headers written before each range. */
  heads: Buffer[];
  /** Closing delimiter. */
  tail: Buffer;
  /** Go's rangesMIMESize: all framing plus the range bytes. */
  length: number;
}

/** Go's multipart.Writer: 30 random bytes as hex boundary, part headers sorted by name, CRLF framing. */
export function frameByteranges(
  ranges: readonly ByteRange[],
  partType: string,
  size: number,
  boundary = randomBytes(30).toString('hex'),
): Byteranges {
  let length = 0;
  const heads = ranges.map((r, i) => {
    const head = Buffer.from(
      `${i === 0 ? '' : '\r\n'}--${boundary}\r\n` +
        `Content-Range: bytes ${r.start}-${r.start + r.length - 1}/${size}\r\n` +
        `Content-Type: ${partType}\r\n\r\n`,
      'latin1',
    );
    length += head.length + r.length;
    return head;
  });
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  return { boundary, heads, tail, length: length + tail.length };
}

/**
 * Answers 206 multipart/byteranges, streaming each range from the open reader (constant memory), then
 * releases it. Resolves with the body bytes the client accepted, framing included (Go counts every byte
 * written to the ResponseWriter).
 */
export async function sendByteranges(
  res: ServerResponse,
  reader: ObjectReader,
  ranges: readonly ByteRange[],
  partType: string,
): Promise<number> {
  const body = frameByteranges(ranges, partType, reader.size);
  res.writeHead(206, {
    'Accept-Ranges': 'bytes',
    'Content-Length': body.length,
    'Content-Type': `multipart/byteranges; boundary=${body.boundary}`,
  });
  let sent = 0;
  try {
    sent = await sendParts(res, reader, ranges, body);
  } finally {
    reader.close();
  }
  if (sent === body.length) res.end();
  else if (!res.destroyed) res.destroy(); // a short body must not look complete
  return sent;
}

async function sendParts(
  dest: Writable,
  reader: ObjectReader,
  ranges: readonly ByteRange[],
  body: Byteranges,
): Promise<number> {
  let sent = 0;
  for (const [i, r] of ranges.entries()) {
    const head = body.heads[i] as Buffer;
    if (!(await writeChunk(dest, head))) return sent;
    sent += head.length;
    if (r.length === 0) continue;
    const n = await reader.sendPart(dest, r.start, r.start + r.length - 1);
    sent += n;
    if (n !== r.length) return sent;
  }
  if (await writeChunk(dest, body.tail)) sent += body.tail.length;
  return sent;
}

/** Resolves true once `buf` is accepted, false when the client is gone (a destroyed response reports it). */
function writeChunk(dest: Writable, buf: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    dest.once('close', onClose);
    dest.write(buf, (err) => {
      dest.off('close', onClose);
      resolve(!err);
    });
  });
}

/**
 * Go's http.Error for a Range it cannot serve: the parse error as body, `Content-Range: bytes *\/size` only when
 * no range overlapped. Returns the body length (rest-server counts it as read bytes).
 */
export function sendRangeError(res: ServerResponse, noOverlap: boolean, size: number): number {
  const body = noOverlap ? 'invalid range: failed to overlap\n' : 'invalid range\n';
  if (noOverlap) res.setHeader('Content-Range', `bytes */${size}`);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', body.length);
  res.writeHead(416);
  res.end(body);
  return body.length;
}
