// Sorted entry ids packed as unsigned LEB128 deltas: a listing of 50 entries costs ~100 bytes, not 50 rows.

export function packIds(sorted: readonly number[]): Buffer {
  const out: number[] = [];
  let prev = 0;
  for (const id of sorted) {
    let d = id - prev;
    prev = id;
    while (d >= 0x80) {
      out.push((d % 0x80) | 0x80);
      d = Math.floor(d / 0x80);
    }
    out.push(d);
  }
  return Buffer.from(out);
}

export function unpackIds(buf: Uint8Array): number[] {
  const ids: number[] = [];
  let prev = 0;
  let i = 0;
  while (i < buf.length) {
    let d = 0;
    let mul = 1;
    let b: number;
    do {
      if (i >= buf.length) throw new Error('truncated listing');
      b = buf[i++]!;
      d += (b & 0x7f) * mul;
      mul *= 0x80;
    } while (b & 0x80);
    prev += d;
    ids.push(prev);
  }
  return ids;
}
