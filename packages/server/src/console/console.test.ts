import { Writable } from 'node:stream';
import { create } from '@bufbuild/protobuf';
import { ConfigSchema, OperationStatus, PlanSchema, RepoSchema } from '@restora/proto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryOpLog } from '../oplog/memory-store.js';
import { backupOp } from '../oplog/test-ops.js';
import { withActor } from './actor.js';
import { configChangeLogger, configChanges } from './config-lines.js';
import { logOperations } from './op-lines.js';
import { prettyLine, resolveLogFormat } from './pretty.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n'))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, sink) };
}
const flush = () => new Promise((r) => setImmediate(r));

describe('console format', () => {
  it('is pretty on a TTY, JSON in a pipe, and what was asked when asked', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('puts time, level and message first, then plan/repo/op, then the rest', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5).getTime();
    const line = prettyLine(
      JSON.stringify({
        level: 30,
        time,
        pid: 1,
        hostname: 'h',
        msg: 'backup finished',
        bytesAdded: 5,
        op: '7',
        plan: 'docs',
        repo: 'nas',
        reason: 'a b',
      }),
    );
    expect(line).toBe('03:04:05 INFO  backup finished plan=docs repo=nas op=7 bytesAdded=5 reason="a b"');
  });
});

describe('operation lines', () => {
  it('logs start and end with duration, files, bytes added and snapshot; a failure with its reason', async () => {
    const { lines, logger } = capture();
    const oplog = new MemoryOpLog();
    logOperations(oplog, logger);
    const [op] = oplog.add(
      backupOp({ planId: 'docs', repoId: 'nas', status: OperationStatus.STATUS_INPROGRESS }),
    );
    op!.status = OperationStatus.STATUS_INPROGRESS;
    oplog.update(op!); // a progress write: no new line
    const done = backupOp({
      planId: 'docs',
      repoId: 'nas',
      bytesAdded: 2048,
      files: 3,
      snapshotId: 'abcdef0123456789',
    });
    done.id = op!.id;
    oplog.update(done);
    const [bad] = oplog.add(backupOp({ status: OperationStatus.STATUS_PENDING }));
    bad!.status = OperationStatus.STATUS_ERROR;
    bad!.displayMessage = 'repository is locked';
    oplog.update(bad!);
    await flush();
    expect(lines.map((l) => l.msg)).toEqual(['backup started', 'backup finished', 'backup failed']);
    expect(lines[1]).toMatchObject({
      plan: 'docs',
      repo: 'nas',
      op: String(op!.id),
      durationMs: 1000,
      files: 150,
      bytesAdded: 2048,
      snapshot: 'abcdef01',
    });
    expect(lines[2]).toMatchObject({ level: 30, status: 'failed', reason: 'repository is locked' });
  });
});

describe('config change lines', () => {
  it('names repos and plans added, edited and removed, and who did it', async () => {
    const prev = create(ConfigSchema, {
      modno: 1,
      repos: [create(RepoSchema, { id: 'a', uri: '/a' }), create(RepoSchema, { id: 'b', uri: '/b' })],
    });
    const next = create(ConfigSchema, {
      modno: 2,
      repos: [create(RepoSchema, { id: 'a', uri: '/a2' }), create(RepoSchema, { id: 'c', uri: '/c' })],
      plans: [create(PlanSchema, { id: 'p', repo: 'c' })],
      instance: 'changed',
    });
    expect(configChanges(prev, next)).toEqual({ repos: '~a +c -b', plans: '+p', sections: 'settings' });
    const { lines, logger } = capture();
    withActor({ user: 'admin', ip: '10.0.0.1' }, () => configChangeLogger(logger)(next, prev));
    await flush();
    expect(lines[0]).toMatchObject({
      msg: 'config changed',
      user: 'admin',
      ip: '10.0.0.1',
      modno: '2',
      repos: '~a +c -b',
    });
  });
});

describe('restic version gaps', () => {
  it('names sftp.args, skip_if_unchanged and newer flags a config uses on restic 0.14, none on 0.17', async () => {
    const { resticGaps } = await import('./restic-version.js');
    const config = create(ConfigSchema, {
      repos: [create(RepoSchema, { id: 'nas', uri: 'sftp:bob@nas:/r', flags: ['--retry-lock 1m'] })],
      plans: [create(PlanSchema, { id: 'docs', repo: 'nas', skipIfUnchanged: true })],
    });
    expect(resticGaps(config, '0.14.0').map((g) => [g.feature, g.needs, g.usedBy])).toEqual([
      ['sftp.args', '0.16.0', 'repo nas'],
      ['--retry-lock', '0.16.0', 'repo nas'],
      ['skip_if_unchanged', '0.17.0', 'plan docs'],
    ]);
    expect(resticGaps(config, '0.17.3')).toEqual([]);
  });
});
