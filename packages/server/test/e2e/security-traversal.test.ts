// Issue 14 point 2 with real restic: no path a client sends to Restore, ListSnapshotFiles, GetDownloadURL or
// Zerobyte's restore/files/dump leaves the snapshot root or the restore target.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { clone, create } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ConfigSchema, OperationStatus, PlanSchema, RepoSchema, ScheduleSchema } from '@restora/proto';
import type { Operation } from '@restora/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';
import { basicHeader, clients, waitFor, type Clients } from './api-helpers.js';

let h: Harness;
let api: Clients;
let src: string;
let snapId: string;
let cookie: string;

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok' as const,
    (e: unknown) => ConnectError.from(e).code,
  );

async function waitOp(id: bigint): Promise<Operation> {
  return waitFor(`operation ${id}`, async () => {
    const [op] = (await api.backrest.getOperations({ selector: { ids: [id] } })).operations;
    const done =
      op && op.status !== OperationStatus.STATUS_PENDING && op.status !== OperationStatus.STATUS_INPROGRESS;
    return done ? op : undefined;
  });
}

async function download(url: string): Promise<Response> {
  return fetch(`${h.url}/${url.slice(2)}`);
}

beforeAll(async () => {
  h = await startHarness('traversal');
  api = clients(h.url, { binary: true, authorization: basicHeader(USER, PASSWORD) });
  cookie = await h.login();
  src = path.join(h.dir, 'src');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'a.txt'), 'alpha\n');
  // a directory outside every snapshot, and a link to it that the backup stores as a symlink
  fs.mkdirSync(path.join(h.dir, 'outside'));
  fs.writeFileSync(path.join(h.dir, 'outside', 'secret.txt'), 'outside-secret\n');
  fs.symlinkSync(path.join(h.dir, 'outside'), path.join(src, 'link'));
  await api.backrest.addRepo({
    repo: create(RepoSchema, { id: 'local', uri: path.join(h.dir, 'repo'), password: 'pw-traversal' }),
  });
  const config = clone(ConfigSchema, await api.backrest.getConfig({}));
  const manual = create(ScheduleSchema, { schedule: { case: 'disabled', value: true } });
  config.plans = [create(PlanSchema, { id: 'home', repo: 'local', paths: [src], schedule: manual })];
  await api.backrest.setConfig(config);
  await api.backrest.backup({ value: 'home' });
  snapId = (await api.backrest.listSnapshots({ repoId: 'local', planId: 'home' })).snapshots[0]!.id;
});

afterAll(async () => h?.close());

describe('Backrest Connect: Restore, ListSnapshotFiles, GetDownloadURL', () => {
  it('Restore {path:"/../..<dir>"} never moves a directory from outside the snapshot into the target', async () => {
    // the issue's attack: restic cleans the include to <dir> (in the snapshot, so it restores something), while
    // the path's two ".." climb from restic's staging dir to the target's parent, where <dir> is the victim's
    const victim = path.join(h.dir, src);
    fs.mkdirSync(victim, { recursive: true });
    fs.writeFileSync(path.join(victim, 'v.txt'), 'victim-data\n');
    const target = path.join(h.dir, 'restore-attack');
    const { operationId } = await api.backrest.restore({
      repoId: 'local',
      planId: 'home',
      snapshotId: snapId,
      path: `/../..${src}`,
      target,
    });
    const op = await waitOp(operationId);
    expect(fs.readFileSync(path.join(victim, 'v.txt'), 'utf8')).toBe('victim-data\n');
    expect(fs.existsSync(path.join(target, 'src', 'v.txt'))).toBe(false);
    expect(OperationStatus[op.status], op.displayMessage).toBe('STATUS_SUCCESS');
    expect(op.op.case === 'operationRestore' && op.op.value.path).toBe(src);
    expect(fs.readFileSync(path.join(target, 'src', 'a.txt'), 'utf8')).toBe('alpha\n');
    for (const filePath of ['/../..', `/../..${src}`, '/src/../../..']) {
      const url = await api.backrest.getDownloadURL({ opId: operationId, filePath });
      const body = Buffer.from(await (await download(url.value)).arrayBuffer());
      expect(body.length === 0 || !gunzipSync(body).includes(Buffer.from('victim-data')), filePath).toBe(
        true,
      );
    }
  });

  it('a restore with dot segments in path and target lands inside the normalised target', async () => {
    const target = path.join(h.dir, 'restore-dots');
    const { operationId } = await api.backrest.restore({
      repoId: 'local',
      planId: 'home',
      snapshotId: snapId,
      path: `${src}/./../src/`,
      target: `${target}/sub/..`,
    });
    const op = await waitOp(operationId);
    expect(OperationStatus[op.status], op.displayMessage).toBe('STATUS_SUCCESS');
    expect(op.op.case === 'operationRestore' && op.op.value.target).toBe(target);
    expect(fs.readFileSync(path.join(target, 'src', 'a.txt'), 'utf8')).toBe('alpha\n');
  });

  it('a download of a restore never follows a restored symlink out of the target', async () => {
    const target = path.join(h.dir, 'restore-link');
    const { operationId } = await api.backrest.restore({
      repoId: 'local',
      planId: 'home',
      snapshotId: snapId,
      path: src,
      target,
    });
    expect(OperationStatus[(await waitOp(operationId)).status]).toBe('STATUS_SUCCESS');
    expect(fs.lstatSync(path.join(target, 'src', 'link')).isSymbolicLink()).toBe(true);
    const url = await api.backrest.getDownloadURL({ opId: operationId, filePath: '/src/link/secret.txt' });
    const res = await download(url.value);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('outside-secret');
    const whole = await download(
      (await api.backrest.getDownloadURL({ opId: operationId, filePath: '/' })).value,
    );
    expect(whole.status).toBe(200);
    const tar = gunzipSync(Buffer.from(await whole.arrayBuffer()));
    expect(tar.includes(Buffer.from('alpha\n'))).toBe(true);
    expect(tar.includes(Buffer.from('outside-secret'))).toBe(false);
  });

  it('refuses NUL bytes, over-long paths and relative or system targets with InvalidArgument', async () => {
    const base = { repoId: 'local', planId: 'home', snapshotId: snapId };
    const bad = [
      api.backrest.restore({ ...base, path: '/a\0b', target: path.join(h.dir, 'r1') }),
      api.backrest.restore({ ...base, path: `/${'x'.repeat(5000)}`, target: path.join(h.dir, 'r2') }),
      api.backrest.restore({ ...base, path: '/', target: 'relative/dir' }),
      api.backrest.restore({ ...base, path: '/', target: `${h.dir}/../../../proc/x` }),
      api.backrest.restore({ ...base, path: '/', target: `${h.dir}/x\0y` }),
      api.backrest.listSnapshotFiles({ repoId: 'local', snapshotId: snapId, path: '/a\0b' }),
      api.backrest.getDownloadURL({ opId: 1n, filePath: '/a\0b' }),
    ];
    for (const p of bad) expect(await codeOf(p)).toBe(Code.InvalidArgument);
    const err = await api.backrest
      .restore({ ...base, path: '/', target: `${h.dir}/../../../proc/x` })
      .catch((e: unknown) => ConnectError.from(e));
    expect(err).toMatchObject({ rawMessage: expect.stringContaining('target') });
    expect(fs.existsSync(path.join(h.dir, 'r1'))).toBe(false);
  });

  it('ListSnapshotFiles resolves ".." inside the snapshot, never above its root', async () => {
    const up = await api.backrest.listSnapshotFiles({
      repoId: 'local',
      snapshotId: snapId,
      path: `/../../..${src}/x/..`,
    });
    expect(up.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['a.txt', 'link']));
  });
});

describe('Zerobyte REST: restore, files, dump', () => {
  let shortId: string;
  const call = (m: string, p: string, json?: unknown) =>
    h.call(m, p, { cookie, ...(json !== undefined ? { json } : {}) });

  beforeAll(async () => {
    const r = await call('GET', '/api/v1/repositories');
    shortId = (r.body as { shortId: string; name: string }[]).find((x) => x.name === 'local')!.shortId;
  });

  it('refuses a targetPath that climbs into /proc or the data dir, naming the field', async () => {
    for (const targetPath of [`${h.dir}/../../../proc/self`, `${h.dir}/data/../data/x`, `${h.dir}/a\0b`]) {
      const r = await call('POST', `/api/v1/repositories/${shortId}/restore`, {
        snapshotId: snapId,
        targetPath,
      });
      expect(r.status, targetPath).toBe(400);
      expect(r.text).toContain('targetPath');
    }
    const r = await call('POST', `/api/v1/repositories/${shortId}/restore`, {
      snapshotId: snapId,
      include: ['../../etc'],
      targetPath: path.join(h.dir, 'zb-restore'),
    });
    expect(r.status).toBe(400);
    expect(r.text).toContain('include[0]');
  });

  it('resolves ".." in files and dump paths inside the snapshot', async () => {
    const files = await call(
      'GET',
      `/api/v1/repositories/${shortId}/snapshots/${snapId}/files?path=${encodeURIComponent(`/../..${src}`)}`,
    );
    expect(files.status).toBe(200);
    expect((files.body as { files: { name: string }[] }).files.map((f) => f.name)).toContain('a.txt');
    const dump = await call(
      'GET',
      `/api/v1/repositories/${shortId}/snapshots/${snapId}/dump?path=${encodeURIComponent(`/../..${src}/a.txt`)}`,
    );
    expect(dump.status).toBe(200);
    expect(dump.text).toBe('alpha\n');
    const nul = await call('GET', `/api/v1/repositories/${shortId}/snapshots/${snapId}/files?path=%2Fa%00b`);
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('path');
  });
});
