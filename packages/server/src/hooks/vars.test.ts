import { describe, expect, it } from 'vitest';
import { Condition, matchingCondition } from './conditions.js';
import { formatSizeBytes, makeHookVars, renderHookTemplate, shellEscape } from './vars.js';

const base = {
  task: 'backup for plan "daily"',
  repo: { id: 'nas', uri: '/srv/repo' },
  plan: { id: 'daily', paths: ['/home', '/etc'] },
  curTime: new Date('2026-06-01T12:00:00Z'),
};

describe('hook vars', () => {
  it('exposes Backrest variables and helpers', () => {
    const vars = makeHookVars({
      ...base,
      event: Condition.SNAPSHOT_SUCCESS,
      snapshotId: 'abc',
      snapshotStats: { dataAdded: 1234567n, totalFilesProcessed: 10n },
      durationMs: 1500,
    });
    const t =
      '{{ .Repo.Id }}/{{ .Plan.Id }} {{ .EventName .Event }} {{ .SnapshotId }} ' +
      '{{ .FormatSizeBytes .SnapshotStats.DataAdded }} {{ .SnapshotStats.TotalFilesProcessed }} ' +
      '{{ .FormatDuration .Duration }} {{ .Duration }} {{ .IsError .Event }} {{ .ShellEscape "it\'s" }} ' +
      '{{ .JsonMarshal .Plan.Paths }}';
    expect(renderHookTemplate(t, vars)).toBe(
      `nas/daily snapshot success abc 1.234 MB 10 1.5s 1.5s false 'it'"'"'s' ["/home","/etc"]`,
    );
  });

  it('renders the built-in summaries when the template is empty', () => {
    const start = renderHookTemplate('  ', makeHookVars({ ...base, event: Condition.SNAPSHOT_START }));
    expect(start).toContain('Backrest Notification for Snapshot Start');
    expect(start).toContain('Paths: \n- /home\n- /etc\n');
    const end = renderHookTemplate(
      '',
      makeHookVars({
        ...base,
        event: Condition.SNAPSHOT_END,
        snapshotId: 'abc',
        snapshotStats: { dataAdded: 5n },
      }),
    );
    expect(end).toContain('Snapshot: abc');
    expect(end).toContain('- Data added: 5.000 B');
    const err = renderHookTemplate('', makeHookVars({ ...base, event: Condition.ANY_ERROR, error: 'boom' }));
    expect(err).toContain('Backrest Error\nTask: backup for plan "daily" at ');
    expect(err).toContain('Event: error\nRepo: nas\nError: boom');
  });

  it('formats sizes and escapes shell words', () => {
    expect(formatSizeBytes(999)).toBe('999.000 B');
    expect(formatSizeBytes(1500)).toBe('1.500 KB');
    expect(formatSizeBytes(2_000_000_000n)).toBe('2.000 GB');
    expect(shellEscape('simple/path-1.txt')).toBe('simple/path-1.txt');
    expect(shellEscape('a b')).toBe("'a b'");
    expect(shellEscape('')).toBe("''");
  });

  it('matches the first listed condition present in the events', () => {
    const hook = {
      conditions: [Condition.SNAPSHOT_END, Condition.ANY_ERROR],
      onError: 0,
      action: { case: 'x' },
    };
    expect(matchingCondition(hook, [Condition.ANY_ERROR, Condition.SNAPSHOT_END])).toBe(
      Condition.SNAPSHOT_END,
    );
    expect(matchingCondition(hook, [Condition.SNAPSHOT_START])).toBeUndefined();
  });
});

describe('retry backoff', () => {
  it('doubles from 10 s and caps at 1 h', async () => {
    const { backoffMs } = await import('./executor.js');
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(backoffMs(20)).toBe(3_600_000);
  });
});
