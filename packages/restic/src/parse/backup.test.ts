import { describe, expect, it } from 'vitest';
import { errorText, parseBackupLine } from './backup.js';

describe('parseBackupLine', () => {
  it('normalises a 0.14 summary', () => {
    const line =
      '{"message_type":"summary","files_new":2,"files_changed":0,"files_unmodified":0,"dirs_new":2,"dirs_changed":0,"dirs_unmodified":0,"data_blobs":2,"tree_blobs":3,"data_added":301709,"total_files_processed":2,"total_bytes_processed":300006,"total_duration":0.214989721,"snapshot_id":"38ccf97b"}';
    expect(parseBackupLine(line)).toMatchObject({
      messageType: 'summary',
      filesNew: 2,
      snapshotId: '38ccf97b',
    });
  });

  it('fills omitted zero counters', () => {
    expect(parseBackupLine('{"message_type":"summary","total_duration":1}')).toMatchObject({
      filesNew: 0,
      dataAdded: 0,
    });
  });

  it('turns 0.14 scan_finished status into verbose_status', () => {
    expect(
      parseBackupLine('{"message_type":"status","action":"scan_finished","total_files":3}'),
    ).toMatchObject({
      messageType: 'verbose_status',
      action: 'scan_finished',
      totalFiles: 3,
    });
  });

  it('drops the unknown ETA', () => {
    const m = parseBackupLine(
      '{"message_type":"status","percent_done":0.5,"seconds_remaining":9223372036854775808}',
    );
    expect(m).toEqual({ messageType: 'status', percentDone: 0.5 });
  });

  it('rebuilds error text from Go structs and reads 0.17.1 messages', () => {
    expect(
      parseBackupLine(
        '{"message_type":"error","error":{"Op":"open","Path":"src/secret.txt","Err":13},"during":"archival","item":"/src/secret.txt"}',
      ),
    ).toEqual({
      messageType: 'error',
      message: 'open src/secret.txt: permission denied',
      during: 'archival',
      item: '/src/secret.txt',
    });
    expect(errorText({ message: 'boom' })).toBe('boom');
    expect(errorText({})).toBe('unknown error');
  });

  it('ignores text and unknown lines', () => {
    expect(parseBackupLine('using parent snapshot abc')).toBeUndefined();
    expect(parseBackupLine('{"message_type":"something_new"}')).toBeUndefined();
  });
});
