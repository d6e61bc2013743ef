// A folder's zip download built from restic's tar (renamed by tar-names.ts), as it streams: restic 0.14's own zip
// names entries by absolute path and cannot be renamed in a stream (its sizes follow the compressed data). Entries
// are stored, not deflated; a file of 4 GiB or more, or a zip past 4 GiB or 65,535 entries (zip64), is refused.
import { Transform, type TransformCallback } from 'node:stream';
import { fullName, parsePax, readSize, readString, ustarSniffer } from './tar-names.js';

const BLOCK = 512;
const LIMIT = 0xffffffff;
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer, prev = 0): number {
  let c = ~prev >>> 0;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

type Entry = {
  name: Buffer;
  offset: number;
  crc: number;
  size: number;
  mode: number;
  time: number;
  date: number;
};

/** DOS date and time of a Unix mtime (local time, as zip tools read it). */
function dosTime(mtime: number): { time: number; date: number } {
  const d = new Date(Math.max(mtime, 315532800) * 1000); // zip dates start in 1980
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** A transform from a tar to a zip of the same entries; anything not a ustar archive passes unchanged. */
export function tarToZip(): Transform {
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // bytes of zip written
  let dataLeft = 0; // tar data bytes (padded) of the current entry still to read
  let fileLeft = 0; // of which the file's own bytes
  let pax: Buffer[] | null = null;
  let paxSize = 0;
  let nextName: string | null = null;
  let current: Entry | null = null;
  let ended = false;
  const sniff = ustarSniffer(); // not a tar: a file's raw bytes (restic dumps a file as is)
  const entries: Entry[] = [];

  const emit = (t: Transform, b: Buffer) => {
    offset += b.length;
    if (offset > LIMIT)
      throw new Error('the zip would pass 4 GiB (zip64 is not written): download the folder as tar');
    t.push(b);
  };

  const endEntry = (t: Transform) => {
    const e = current!;
    current = null;
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(e.crc, 4);
    dd.writeUInt32LE(e.size, 8);
    dd.writeUInt32LE(e.size, 12);
    emit(t, dd);
  };

  const onHeader = (t: Transform, h: Buffer) => {
    if (h.every((b) => b === 0)) {
      ended = true;
      return;
    }
    const type = String.fromCharCode(h[156] || 0x30);
    const size = readSize(h);
    dataLeft = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g') {
      pax = type === 'x' ? [] : null;
      paxSize = size;
      fileLeft = 0;
      return;
    }
    const raw = nextName ?? fullName(h);
    nextName = null;
    const isDir = type === '5';
    const isLink = type === '2';
    if (!isDir && !isLink && type !== '0' && type !== '7')
      throw new Error(
        `tar entry "${raw}" of type ${type} cannot be put in a zip: download the folder as tar`,
      );
    if (size >= LIMIT)
      throw new Error(`"${raw}" is 4 GiB or more (zip64 is not written): download the folder as tar`);
    if (entries.length >= 0xffff)
      throw new Error('more than 65,535 entries (zip64 is not written): download as tar');
    const name = Buffer.from(isDir && !raw.endsWith('/') ? `${raw}/` : raw, 'utf8');
    const perm = parseInt(readString(h, 100, 8).trim() || '644', 8) & 0o7777;
    const mode = (isDir ? 0o040000 : isLink ? 0o120000 : 0o100000) | perm;
    const e: Entry = {
      name,
      offset,
      crc: 0,
      size: 0,
      mode,
      ...dosTime(parseInt(readString(h, 136, 12) || '0', 8)),
    };
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0808, 6); // sizes in a data descriptor; UTF-8 names
    lh.writeUInt16LE(0, 8); // stored
    lh.writeUInt16LE(e.time, 10);
    lh.writeUInt16LE(e.date, 12);
    lh.writeUInt16LE(name.length, 26);
    emit(t, lh);
    emit(t, name);
    entries.push(e);
    current = e;
    if (isLink) {
      // a symlink's target is its content, as Info-ZIP stores it
      const target = Buffer.from(readString(h, 157, 100), 'utf8');
      e.crc = crc32(target);
      e.size = target.length;
      emit(t, target);
    }
    fileLeft = isDir || isLink ? 0 : size;
    if (dataLeft === 0) endEntry(t);
  };

  const centralDirectory = (t: Transform) => {
    const start = offset;
    for (const e of entries) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE((3 << 8) | 20, 4); // made by Unix: external attributes hold the mode
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0808, 8);
      c.writeUInt16LE(0, 10);
      c.writeUInt16LE(e.time, 12);
      c.writeUInt16LE(e.date, 14);
      c.writeUInt32LE(e.crc, 16);
      c.writeUInt32LE(e.size, 20);
      c.writeUInt32LE(e.size, 24);
      c.writeUInt16LE(e.name.length, 28);
      c.writeUInt32LE((e.mode << 16) >>> 0, 38);
      c.writeUInt32LE(e.offset, 42);
      emit(t, c);
      emit(t, e.name);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(offset - start, 12);
    end.writeUInt32LE(start, 16);
    emit(t, end);
  };

  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        const taken = sniff.take(chunk);
        if (!taken) return cb();
        if (!sniff.tar) return cb(null, taken);
        chunk = taken;
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let at = 0;
        while (at < pending.length && !ended) {
          if (dataLeft > 0) {
            const n = Math.min(dataLeft, pending.length - at);
            const piece = pending.subarray(at, at + n);
            if (pax) pax.push(Buffer.from(piece));
            else if (current && fileLeft > 0) {
              const own = piece.subarray(0, Math.min(fileLeft, piece.length));
              current.crc = crc32(own, current.crc);
              current.size += own.length;
              fileLeft -= own.length;
              emit(this, own);
            }
            dataLeft -= n;
            at += n;
            if (dataLeft === 0 && pax) {
              nextName = parsePax(Buffer.concat(pax).subarray(0, paxSize)).get('path') ?? null;
              pax = null;
            } else if (dataLeft === 0 && current) endEntry(this);
            continue;
          }
          if (pending.length - at < BLOCK) break;
          onHeader(this, pending.subarray(at, at + BLOCK));
          at += BLOCK;
          if (dataLeft === 0 && pax) {
            pax = null; // an empty PAX header
          }
        }
        pending = pending.subarray(at);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        if (!sniff.tar) return cb();
        if (sniff.held) return cb(null, sniff.held); // shorter than one block: not an archive
        if (current) throw new Error('the tar from restic ended inside an entry');
        centralDirectory(this);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}
