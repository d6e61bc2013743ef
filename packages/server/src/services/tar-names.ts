// Renames the entries of a folder's tar as it streams: restic 0.14 `dump` names them by their absolute path in the
// snapshot (`home/u/docs/a.txt`); a download holds `docs/a.txt`, like `tar -C /home/u -c docs` would.
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
/** PAX and GNU long-name payloads are buffered to be rewritten; a larger one is a damaged archive. */
const MAX_META = 1024 * 1024;

/** Maps an entry name of a dump of `folder` to `<basename(folder)>/...`; names outside it are kept. */
export function relativeEntryName(folder: string, name: string): string {
  const base = path.posix.basename(folder);
  const rel = folder.replace(/^\/+/, '').replace(/\/+$/, '');
  const n = name.replace(/^(\.?\/)+/, '');
  if (n === rel || n.startsWith(`${rel}/`)) return base + n.slice(rel.length);
  return n;
}

/** A transform that renames a tar's entries with `rename`; anything not a ustar archive passes unchanged. */
/** Holds a stream's first bytes until one block shows whether it is a ustar archive; anything else passes as is. */
class UstarSniffer {
  private head: Buffer | null = Buffer.alloc(0);
  /** false once the first block turned out not to be ustar */
  tar = true;

  /** The bytes to handle now (the held start joined to `chunk` once decided), or undefined while still holding. */
  take(chunk: Buffer): Buffer | undefined {
    if (!this.head) return chunk;
    this.head = Buffer.concat([this.head, chunk]);
    if (this.head.length < BLOCK) return undefined;
    const all = this.head;
    this.head = null;
    this.tar = all.subarray(257, 262).toString('latin1') === 'ustar';
    return all;
  }

  /** What is still held at the end (a stream shorter than one block: not an archive), or null once decided. */
  get held(): Buffer | null {
    return this.head;
  }
}

/** A new sniffer for one stream. */
export const ustarSniffer = (): UstarSniffer => new UstarSniffer();

export function renameTarEntries(rename: (name: string) => string): Transform {
  const sniff = ustarSniffer();
  let pending: Buffer = Buffer.alloc(0);
  let dataLeft = 0; // bytes of the current entry's data (padded) still to copy
  let meta: { header: Buffer; type: string; size: number; chunks: Buffer[] } | null = null;
  let nextName: string | null = null; // set by a PAX path or GNU long name for the header that follows

  const onHeader = (h: Buffer, push: (b: Buffer) => void) => {
    if (h.every((b) => b === 0)) return push(h);
    const type = String.fromCharCode(h[156] ?? 0x30);
    const size = readSize(h);
    if (type === 'x' || type === 'L') {
      if (size > MAX_META) throw new Error(`tar: a ${size}-byte entry header is too large`);
      meta = { header: h, type, size, chunks: [] };
      dataLeft = padded(size);
      return;
    }
    const name = nextName ?? fullName(h);
    nextName = null;
    const out = Buffer.from(h);
    const renamed = rename(name);
    const extra = setName(out, renamed);
    // a hard link names another entry of the archive, renamed the same way
    if (type === '1') writeField(out, 157, 100, rename(readString(h, 157, 100)));
    checksum(out);
    if (extra) push(extra);
    push(out);
    dataLeft = padded(size);
  };

  /** A long name (GNU `L` or PAX `path`) moves to the header that follows, which setName writes in full. */
  const onMetaDone = (push: (b: Buffer) => void) => {
    const m = meta!;
    meta = null;
    const data = Buffer.concat(m.chunks).subarray(0, m.size);
    if (m.type === 'L') {
      nextName = data.toString('utf8').replace(/\0+$/, '');
      return;
    }
    const records = parsePax(data);
    const p = records.get('path');
    if (p !== undefined) {
      records.delete('path');
      nextName = p;
    }
    if (records.size === 0) return;
    const body = formatPax(records);
    const h = Buffer.from(m.header);
    writeOctal(h, 124, 12, body.length);
    checksum(h);
    push(h);
    push(padBlock(body));
  };

  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        const taken = sniff.take(chunk);
        if (!taken) return cb();
        if (!sniff.tar) return cb(null, taken);
        chunk = taken;
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        const push = (b: Buffer) => void this.push(b);
        let at = 0;
        while (at < pending.length) {
          if (dataLeft > 0) {
            const n = Math.min(dataLeft, pending.length - at);
            const piece = pending.subarray(at, at + n);
            if (meta) meta.chunks.push(Buffer.from(piece));
            else push(piece);
            dataLeft -= n;
            at += n;
            if (dataLeft === 0 && meta) onMetaDone(push);
            continue;
          }
          if (pending.length - at < BLOCK) break;
          onHeader(pending.subarray(at, at + BLOCK), push);
          at += BLOCK;
          if (dataLeft === 0 && meta) onMetaDone(push);
        }
        pending = pending.subarray(at);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      if (sniff.held?.length) this.push(sniff.held); // shorter than one block: not an archive
      if (pending.length) this.push(pending);
      cb();
    },
  });
}

const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

function padBlock(b: Buffer): Buffer {
  return Buffer.concat([b, Buffer.alloc(padded(b.length) - b.length)]);
}

export function readString(h: Buffer, at: number, len: number): string {
  const f = h.subarray(at, at + len);
  const end = f.indexOf(0);
  return f.subarray(0, end < 0 ? len : end).toString('utf8');
}

export function fullName(h: Buffer): string {
  const name = readString(h, 0, 100);
  const prefix = readString(h, 345, 155);
  return prefix ? `${prefix}/${name}` : name;
}

/** Octal, or GNU base-256 (high bit set) for sizes past 8 GiB. */
export function readSize(h: Buffer): number {
  if ((h[124]! & 0x80) !== 0) {
    let v = 0;
    for (let i = 125; i < 136; i++) v = v * 256 + h[i]!;
    return v;
  }
  return parseInt(readString(h, 124, 12).trim() || '0', 8);
}

function writeField(h: Buffer, at: number, len: number, s: string): void {
  h.fill(0, at, at + len);
  h.write(s, at, len, 'utf8');
}

function writeOctal(h: Buffer, at: number, len: number, v: number): void {
  writeField(h, at, len, `${v.toString(8).padStart(len - 1, '0')}\0`);
}

function checksum(h: Buffer): void {
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  writeField(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
}

/** Writes a name into name (and prefix, split at a slash); one too long for both gets a PAX header returned. */
function setName(h: Buffer, name: string): Buffer | undefined {
  const len = Buffer.byteLength(name);
  if (len <= 100) {
    writeField(h, 0, 100, name);
    h.fill(0, 345, 500);
    return undefined;
  }
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const pre = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(pre) <= 155 && Buffer.byteLength(rest) <= 100 && rest) {
      writeField(h, 0, 100, rest);
      writeField(h, 345, 155, pre);
      return undefined;
    }
  }
  writeField(h, 0, 100, name.slice(0, 100));
  h.fill(0, 345, 500);
  const body = formatPax(new Map([['path', name]]));
  const x = Buffer.alloc(BLOCK);
  writeField(x, 0, 100, 'PaxHeader');
  writeOctal(x, 100, 8, 0o644);
  writeOctal(x, 108, 8, 0);
  writeOctal(x, 116, 8, 0);
  writeOctal(x, 124, 12, body.length);
  writeOctal(x, 136, 12, 0);
  x[156] = 'x'.charCodeAt(0);
  x.write('ustar\x0000', 257, 'latin1');
  checksum(x);
  return Buffer.concat([x, padBlock(body)]);
}

export function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const sp = data.indexOf(0x20, at);
    const len = sp < 0 ? NaN : parseInt(data.subarray(at, sp).toString('latin1'), 10);
    if (!(len > 0)) throw new Error('tar: a damaged PAX header');
    const rec = data.subarray(sp + 1, at + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    at += len;
  }
  return out;
}

/** PAX records `<len> key=value\n`, where len counts itself. */
function formatPax(records: Map<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of records) {
    const body = ` ${k}=${v}\n`;
    const bl = Buffer.byteLength(body);
    let len = bl + 1;
    while (String(len).length + bl !== len) len = String(len).length + bl;
    parts.push(Buffer.from(`${len}${body}`));
  }
  return Buffer.concat(parts);
}
