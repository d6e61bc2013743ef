import { describe, expect, it } from 'vitest';
import { frameByteranges } from './byteranges.js';

describe('frameByteranges (Go mime/multipart framing, rangesMIMESize)', () => {
  it('frames parts exactly like Go and sizes the body up front', () => {
    const b = frameByteranges(
      [
        { start: 0, length: 3 },
        { start: 7, length: 2 },
      ],
      'application/octet-stream',
      10,
      'B0',
    );
    const data = Buffer.from('0123456789');
    const whole = Buffer.concat([b.heads[0]!, data.subarray(0, 3), b.heads[1]!, data.subarray(7, 9), b.tail]);
    expect(whole.toString('latin1')).toBe(
      '--B0\r\nContent-Range: bytes 0-2/10\r\nContent-Type: application/octet-stream\r\n\r\n012' +
        '\r\n--B0\r\nContent-Range: bytes 7-8/10\r\nContent-Type: application/octet-stream\r\n\r\n78' +
        '\r\n--B0--\r\n',
    );
    expect(b.length).toBe(whole.length);
  });

  it('uses a fresh 60-hex-digit boundary (30 random bytes) and counts empty ranges', () => {
    const ranges = [
      { start: 10, length: 0 },
      { start: 0, length: 1 },
    ];
    const a = frameByteranges(ranges, 'x/y', 10);
    const b = frameByteranges(ranges, 'x/y', 10);
    expect(a.boundary).toMatch(/^[0-9a-f]{60}$/);
    expect(a.boundary).not.toBe(b.boundary);
    expect(a.heads[0]!.toString()).toContain('Content-Range: bytes 10-9/10\r\n');
    expect(a.length).toBe(a.heads[0]!.length + a.heads[1]!.length + 1 + a.tail.length);
  });
});
