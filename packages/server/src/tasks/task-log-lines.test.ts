import { describe, expect, it } from 'vitest';
import { backupSummaryLines, formatElapsed, restoreSummaryLine } from './task-log-lines.js';

describe('task log lines', () => {
  it('formats elapsed time as restic does', () => {
    expect([formatElapsed(0), formatElapsed(75.4), formatElapsed(3725)]).toEqual(['0:00', '1:15', '1:02:05']);
  });

  it("writes restic's closing lines of a backup, and says when nothing was saved", () => {
    const s = {
      filesNew: 3,
      filesChanged: 1,
      filesUnmodified: 20,
      dirsNew: 1,
      dirsChanged: 0,
      dirsUnmodified: 4,
      dataBlobs: 4,
      treeBlobs: 2,
      dataAdded: 2_500_000,
      totalFilesProcessed: 24,
      totalBytesProcessed: 9_000_000,
      totalDuration: 2.2,
    };
    expect(backupSummaryLines(s, 'abcdef0123456789', false)).toBe(
      [
        'Files:           3 new,     1 changed,    20 unmodified',
        'Dirs:            1 new,     0 changed,     4 unmodified',
        'Added to the repository: 2.500 MB',
        'processed 24 files, 9.000 MB in 0:02',
        'snapshot abcdef01 saved',
        '',
      ].join('\n'),
    );
    expect(backupSummaryLines(s, '', true)).toMatch(
      /Would add to the repository: 2\.500 MB\n.*\ndry run: no snapshot saved\n$/,
    );
    expect(backupSummaryLines(s, '', false)).toMatch(/\nno snapshot saved\n$/);
  });

  it('says of a restore only the counters restic reported (none before 0.16)', () => {
    expect(restoreSummaryLine({ percentDone: 1, summary: true })).toBe('restore finished\n');
    expect(
      restoreSummaryLine({
        percentDone: 1,
        summary: true,
        filesRestored: 5,
        bytesRestored: 1500,
        secondsElapsed: 3,
      }),
    ).toBe('restore finished: 5 files, 1.500 KB in 0:03\n');
  });
});
