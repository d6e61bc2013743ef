// Engine.useBackupHooks: the callbacks front-ends run around every backup (Zerobyte's pre/post webhooks).
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupHooks, BackupOutcome } from './tasks/backup-hooks.js';
import { engineFixture, GUID, tick } from './tasks/testing/fixture.js';

let stopAll: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stopAll) await s();
  stopAll = [];
});

async function setup() {
  const f = engineFixture({
    repos: [{ id: 'a', uri: '/srv/a', password: 'pw', guid: GUID('a') }],
    plans: [{ id: 'p1', repo: 'a', paths: ['/data'] }],
  });
  stopAll.push(() => f.engine.stop());
  await f.engine.start();
  const seen: string[] = [];
  const afters: { outcome: BackupOutcome; error?: string; snapshotId: string }[] = [];
  const behaviour = { beforeFails: false, afterProblem: undefined as string | undefined };
  const hooks: BackupHooks = {
    async before(ctx) {
      seen.push(`before:${ctx.plan.id}:${f.resticOf('a').calls.filter((c) => c.method === 'backup').length}`);
      if (behaviour.beforeFails) throw new Error('pre-backup webhook: unexpected HTTP status 500');
    },
    async after(ctx) {
      seen.push('after');
      afters.push({
        outcome: ctx.outcome,
        snapshotId: ctx.op.snapshotId,
        ...(ctx.error ? { error: ctx.error } : {}),
      });
      return behaviour.afterProblem;
    },
  };
  const remove = f.engine.useBackupHooks(hooks);
  return { f, seen, afters, behaviour, remove };
}

describe('Engine backup hooks', () => {
  it('calls before ahead of restic and after with the outcome; an after problem makes a warning', async () => {
    const { f, seen, afters, behaviour } = await setup();
    const ok = await f.engine.runBackup('p1').done;
    expect(f.statusName(ok)).toBe('STATUS_SUCCESS');
    expect(seen).toEqual(['before:p1:0', 'after']);
    expect(afters).toEqual([{ outcome: 'success', snapshotId: ok!.snapshotId }]);
    expect(ok!.snapshotId).not.toBe('');

    behaviour.afterProblem = 'post-backup webhook: unexpected HTTP status 500';
    const warned = await f.engine.runBackup('p1').done;
    expect(f.statusName(warned)).toBe('STATUS_WARNING');
    expect(warned!.displayMessage).toBe('post-backup webhook: unexpected HTTP status 500');

    f.resticOf('a').backupBehavior = 'fail';
    behaviour.afterProblem = undefined;
    const failed = await f.engine.runBackup('p1').done;
    expect(f.statusName(failed)).toBe('STATUS_ERROR');
    expect(afters.at(-1)).toEqual({
      outcome: 'error',
      snapshotId: '',
      error: 'restic failed (exit 1): Fatal: unable to open repo',
    });
  });

  it('a failing before fails the backup with its message, restic never runs and after is skipped', async () => {
    const { f, seen, behaviour } = await setup();
    behaviour.beforeFails = true;
    const op = await f.engine.runBackup('p1').done;
    expect(f.statusName(op)).toBe('STATUS_ERROR');
    expect(op!.displayMessage).toBe('pre-backup webhook: unexpected HTTP status 500');
    expect(f.resticOf('a').calls.filter((c) => c.method === 'backup')).toEqual([]);
    expect(seen).toEqual(['before:p1:0']);
  });

  it('after still runs when the backup is cancelled, and hooks stop once removed', async () => {
    const { f, seen, afters, remove } = await setup();
    f.resticOf('a').holdBackups = true;
    const h = f.engine.runBackup('p1');
    await tick();
    expect(f.engine.cancel(h.op!.id)).toBe('running');
    expect(f.statusName(await h.done)).toBe('STATUS_USER_CANCELLED');
    expect(afters.map((a) => a.outcome)).toEqual(['cancelled']);

    remove();
    f.resticOf('a').holdBackups = false;
    await f.engine.runBackup('p1').done;
    expect(seen).toEqual(['before:p1:0', 'after']);
  });
});
