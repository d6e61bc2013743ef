import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { OperationSchema } from '@restora/proto';
import { progressView } from './progress.js';

const backupAt = (percent: number, bytesDone: bigint, totalBytes: bigint) =>
  create(OperationSchema, {
    unixTimeStartMs: 1_000n,
    op: {
      case: 'operationBackup',
      value: {
        lastStatus: {
          entry: {
            case: 'status',
            value: { percentDone: percent, bytesDone, totalBytes, filesDone: 1n, totalFiles: 2n },
          },
        },
      },
    },
  });

describe('progressView', () => {
  it('gives speed, elapsed time and an ETA while data is still read', () => {
    const p = progressView(backupAt(0.5, 50_000_000n, 100_000_000n), 11_000)!;
    expect(p.elapsedMs).toBe(10_000);
    expect(p.speed).toBe(5_000_000);
    expect(p.etaMs).toBe(10_000);
    expect(p.finishing).toBe(false);
  });

  it('says restic is finishing, without an ETA, once every byte is read but the backup still runs', () => {
    const p = progressView(backupAt(1, 100_000_000n, 100_000_000n), 31_000)!;
    expect(p.finishing).toBe(true);
    expect(p.etaMs).toBeNaN();
  });

  it('has nothing to show for an op without counters', () => {
    expect(progressView(create(OperationSchema, {}))).toBeNull();
  });
});
