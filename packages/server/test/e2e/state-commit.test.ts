// One commit for state (issue 15): a server killed (SIGKILL) before each state write of a Zerobyte schedule or
// notification edit shows, after the restart, the same truth through Backrest's GetConfig and Zerobyte's REST
// API, and that truth is all of the edit or none of it. Edits made through SetConfig show in Zerobyte's API at once.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER, type Harness } from '../../src/api/rest/testing/harness.js';
import { spawnFixture } from './fixture-process.js';
import { restClient } from './rest-client.js';

type Json = Record<string, unknown>;
interface Hook {
  conditions?: string[];
  actionWebhook?: { webhookUrl?: string; template?: string };
}
interface Plan {
  id: string;
  paths?: string[];
  schedule?: { cron?: string; disabled?: boolean };
  hooks?: Hook[];
}
interface Config {
  modno?: number;
  plans?: Plan[];
}
interface Schedule {
  id: number;
  shortId: string;
  name: string;
  planId: string;
  cronExpression: string;
  enabled: boolean;
  includePaths: string[];
  maxRetries: number;
  retryDelay: number;
}
interface Destination {
  id: number;
  name: string;
  enabled: boolean;
  config: Json;
}
interface Assigned {
  destinationId: number;
  notifyOnStart: boolean;
  notifyOnSuccess: boolean;
  notifyOnWarning: boolean;
  notifyOnFailure: boolean;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const MARKER = /^\{\{\/\* zerobyte-notification destination=(\d+) /;
const EVENTS: [string, keyof Assigned][] = [
  ['CONDITION_SNAPSHOT_START', 'notifyOnStart'],
  ['CONDITION_SNAPSHOT_SUCCESS', 'notifyOnSuccess'],
  ['CONDITION_SNAPSHOT_WARNING', 'notifyOnWarning'],
  ['CONDITION_SNAPSHOT_ERROR', 'notifyOnFailure'],
];

/** A client of one running server (in-process harness or the child) over both APIs. */
async function client(url: string) {
  const rest = await restClient(url);
  const call = (method: string, p: string, json?: unknown) => rest.call(method, `/api/v1${p}`, json);
  const get = <T>(p: string) => rest.get<T>(`/api/v1${p}`);
  const rpc = async <T>(method: string, body: unknown): Promise<T> => {
    const r = await fetch(`${url}/v1.Backrest/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    expect(r.status, `${method}: ${text}`).toBe(200);
    return JSON.parse(text) as T;
  };

  /**
   * Both APIs read at once, checked against each other (same plans, same cron and paths, one hook per firing
   * assignment and none other), then reduced to what must be all-old or all-new after a crash (no timestamps).
   */
  const view = async () => {
    const config = await rpc<Config>('GetConfig', {});
    const schedules = await get<Schedule[]>('/backups');
    const destinations = await get<Destination[]>('/notifications/destinations');
    const plans = config.plans ?? [];
    expect(schedules.map((s) => s.planId).sort()).toEqual(plans.map((p) => p.id).sort());
    const byDest = new Map(destinations.map((d) => [d.id, d]));
    const assignments: Record<string, Assigned[]> = {};
    const hooks: Record<string, Hook[]> = {};
    for (const s of schedules) {
      const plan = plans.find((p) => p.id === s.planId)!;
      expect(s.cronExpression).toBe(plan.schedule?.cron ?? s.cronExpression);
      expect(s.enabled).toBe(plan.schedule?.cron !== undefined);
      expect(plan.paths).toEqual(expect.arrayContaining(s.includePaths));
      const list = (await get<Assigned[]>(`/backups/${s.shortId}/notifications`)).map((a) => ({
        destinationId: a.destinationId,
        notifyOnStart: a.notifyOnStart,
        notifyOnSuccess: a.notifyOnSuccess,
        notifyOnWarning: a.notifyOnWarning,
        notifyOnFailure: a.notifyOnFailure,
      }));
      const generated = (plan.hooks ?? []).filter((h) => MARKER.test(h.actionWebhook?.template ?? ''));
      const firing = list.filter((a) => byDest.get(a.destinationId)?.enabled && EVENTS.some(([, k]) => a[k]));
      // one hook per firing assignment, with its events and its destination's current message key
      expect(generated).toHaveLength(firing.length);
      for (const a of firing) {
        const hook = generated.find(
          (h) => Number(MARKER.exec(h.actionWebhook!.template!)![1]) === a.destinationId,
        );
        expect(hook, `hook of destination ${a.destinationId} on ${s.planId}`).toBeDefined();
        expect([...(hook!.conditions ?? [])].sort()).toEqual(
          EVENTS.filter(([, k]) => a[k])
            .map(([c]) => c)
            .sort(),
        );
        const key = String(byDest.get(a.destinationId)!.config.messageKey ?? 'message');
        expect(hook!.actionWebhook!.template).toContain(`{"${key}":`);
      }
      assignments[s.planId] = list;
      // each run assigns at its own time: the time in the marker is not part of the comparison
      hooks[s.planId] = generated.map((h) => ({
        ...h,
        actionWebhook: {
          ...h.actionWebhook,
          template: h.actionWebhook!.template!.replace(/since=\d+/, 'since=*'),
        },
      }));
    }
    return {
      schedules: schedules
        .map((s) => ({
          id: s.id,
          name: s.name,
          planId: s.planId,
          cron: s.cronExpression,
          enabled: s.enabled,
          paths: s.includePaths,
          maxRetries: s.maxRetries,
          retryDelay: s.retryDelay,
        }))
        .sort((a, b) => a.id - b.id),
      destinations: destinations.map((d) => ({
        id: d.id,
        name: d.name,
        enabled: d.enabled,
        config: d.config,
      })),
      assignments,
      hooks,
    };
  };
  return { call, get, rpc, view };
}

type View = Awaited<ReturnType<Awaited<ReturnType<typeof client>>['view']>>;

describe('one commit for state: a crash at any write step leaves both APIs one truth (real restic 0.14)', () => {
  let dir: string;
  let pre: string;
  let src: string;
  let repositoryId: string;

  /** Restarts a server over `dir` in this process and reads both APIs (checked against each other). */
  const restartAndView = async (): Promise<View> => {
    const h: Harness = await startHarness('state-commit', { dir });
    try {
      return await (await client(h.url)).view();
    } finally {
      await h.stop();
    }
  };

  /**
   * Runs `op` in a child server that dies before its 1st, 2nd, ... state write, each time from the same saved
   * state, until the op completes; after every crash a restarted server must show the state before the op or
   * the state after it, the same through both APIs. Returns the view after the op.
   */
  const crashAtEveryStep = async (
    what: string,
    op: (c: Awaited<ReturnType<typeof client>>) => Promise<{ status: number; text: string }>,
  ): Promise<View> => {
    fs.rmSync(pre, { recursive: true, force: true });
    fs.cpSync(dir, pre, { recursive: true });
    const before = await restartAndView();
    const seen: { step: number; view: View }[] = [];
    for (let step = 1; ; step++) {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.cpSync(pre, dir, { recursive: true });
      const f = spawnFixture(path.join(here, 'fixtures', 'state-crash-child.ts'), [dir, String(step)]);
      let finished = false;
      try {
        await waitFor(`${what}: child server`, () => /url \S+\n/.test(f.out()) || f.child.exitCode !== null);
        const url = /url (\S+)\n/.exec(f.out())?.[1];
        expect(url, f.err()).toBeDefined();
        const c = await client(url!);
        f.child.kill('SIGUSR2');
        await waitFor(`${what}: armed`, () => f.out().includes('armed\n'));
        const answer = await op(c).catch(() => undefined); // the crash cuts the connection
        // writes that follow the answer (listeners) count too: the child gets time to make them
        await new Promise((r) => setTimeout(r, 300));
        finished = answer !== undefined && f.child.exitCode === null && f.child.signalCode === null;
        if (finished) expect(answer!.status, `${what}: ${answer!.text}`).toBeLessThan(300);
      } finally {
        f.killGroup();
        await f.exited;
      }
      const view = await restartAndView();
      if (finished) {
        expect(step, `${what}: at least one write step`).toBeGreaterThan(1);
        for (const s of seen)
          expect([before, view], `${what}: killed before write ${s.step}`).toContainEqual(s.view);
        expect(view, `${what}: the edit shows`).not.toEqual(before);
        return view;
      }
      seen.push({ step, view });
      expect(step, `${what}: never finished`).toBeLessThan(20);
    }
  };

  beforeAll(async () => {
    const h = await startHarness('state-commit');
    dir = h.dir;
    pre = `${dir}-pre`;
    src = path.join(dir, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'file.txt'), 'data');
    const c = await client(h.url);
    const created = await c.call('POST', '/repositories', {
      name: 'Local',
      config: { backend: 'local', path: path.join(dir, 'repo') },
    });
    expect(created.status, created.text).toBe(201);
    repositoryId = (created.body as { repository: { id: string } }).repository.id;
    await h.stop();
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pre, { recursive: true, force: true });
  });

  it('schedule create, update and delete; destination create, update, disable, delete; assignment', async () => {
    let shortId = '';
    const created = await crashAtEveryStep('create schedule', async (c) => {
      const r = await c.call('POST', '/backups', {
        name: 'Nightly Home',
        repositoryId,
        enabled: true,
        cronExpression: '0 3 * * *',
        includePaths: [src],
        maxRetries: 3,
      });
      shortId = (r.body as { shortId?: string } | null)?.shortId ?? '';
      return r;
    });
    expect(created.schedules).toMatchObject([{ name: 'Nightly Home', cron: '0 3 * * *', maxRetries: 3 }]);
    const scheduleId = created.schedules[0]!.id;

    const updated = await crashAtEveryStep('update schedule', (c) =>
      c.call('PATCH', `/backups/${shortId}`, {
        name: 'Nightly Home 2',
        repositoryId,
        cronExpression: '30 4 * * *',
        maxRetries: 5,
        retryDelay: 7,
      }),
    );
    // the same schedule (numeric id kept), every field of the edit at once
    expect(updated.schedules).toEqual([
      expect.objectContaining({ id: scheduleId, name: 'Nightly Home 2', cron: '30 4 * * *', maxRetries: 5 }),
    ]);

    const withDest = await crashAtEveryStep('create destination', (c) =>
      c.call('POST', '/notifications/destinations', {
        name: 'Hook',
        config: { type: 'generic', url: 'http://127.0.0.1:9/notify', method: 'POST', messageKey: 'text' },
      }),
    );
    const destId = withDest.destinations[0]!.id;

    const assigned = await crashAtEveryStep('assign destination', (c) =>
      c.call('PUT', `/backups/${shortId}/notifications`, {
        assignments: [
          {
            destinationId: destId,
            notifyOnStart: false,
            notifyOnSuccess: true,
            notifyOnWarning: false,
            notifyOnFailure: true,
          },
        ],
      }),
    );
    expect(Object.values(assigned.hooks).flat()).toHaveLength(1);

    const edited = await crashAtEveryStep('update destination', (c) =>
      c.call('PATCH', `/notifications/destinations/${destId}`, { config: { messageKey: 'body' } }),
    );
    expect(Object.values(edited.hooks).flat()[0]?.actionWebhook?.template).toContain('{"body":');

    const disabled = await crashAtEveryStep('disable destination', (c) =>
      c.call('PATCH', `/notifications/destinations/${destId}`, { enabled: false }),
    );
    // no hook, the assignment kept for when it is enabled again
    expect(Object.values(disabled.hooks).flat()).toHaveLength(0);
    expect(Object.values(disabled.assignments).flat()).toMatchObject([{ destinationId: destId }]);

    const enabled = await crashAtEveryStep('enable destination', (c) =>
      c.call('PATCH', `/notifications/destinations/${destId}`, { enabled: true }),
    );
    expect(Object.values(enabled.hooks).flat()).toHaveLength(1);

    const noDest = await crashAtEveryStep('delete destination', (c) =>
      c.call('DELETE', `/notifications/destinations/${destId}`),
    );
    expect(noDest.destinations).toEqual([]);
    expect(Object.values(noDest.hooks).flat()).toHaveLength(0);

    const gone = await crashAtEveryStep('delete schedule', (c) => c.call('DELETE', `/backups/${shortId}`));
    expect(gone.schedules).toEqual([]);
  }, 600_000); // about 30 crash-and-restart rounds

  it('edits through SetConfig (rename a plan, remove a hook, delete a plan) show in the REST API at once', async () => {
    const h = await startHarness('state-commit', { dir });
    try {
      const c = await client(h.url);
      const s = (
        await c.call('POST', '/backups', {
          name: 'Docs',
          repositoryId,
          enabled: false,
          cronExpression: '',
          includePaths: [src],
        })
      ).body as Schedule;
      const d = (
        await c.call('POST', '/notifications/destinations', {
          name: 'Hook',
          config: { type: 'generic', url: 'http://127.0.0.1:9/notify', method: 'POST' },
        })
      ).body as Destination;
      const assignment = {
        destinationId: d.id,
        notifyOnStart: true,
        notifyOnSuccess: false,
        notifyOnWarning: false,
        notifyOnFailure: true,
      };
      const put = await c.call('PUT', `/backups/${s.shortId}/notifications`, { assignments: [assignment] });
      expect(put.status, put.text).toBe(200);
      const setConfig = async (edit: (config: Config) => void) => {
        const config = await c.rpc<Config>('GetConfig', {});
        // masked URLs are kept by plan id and position: after a rename the client sends them in full
        for (const hook of (config.plans ?? []).flatMap((p) => p.hooks ?? []))
          if (hook.actionWebhook?.webhookUrl?.includes('********'))
            hook.actionWebhook.webhookUrl = MARKER.test(hook.actionWebhook.template ?? '')
              ? 'http://127.0.0.1:9/notify'
              : 'http://127.0.0.1:9/mine';
        edit(config);
        await c.rpc('SetConfig', config);
      };

      // a user hook added through Backrest is left alone by later notification edits
      await setConfig((config) => {
        config.plans![0]!.hooks!.push({
          conditions: ['CONDITION_SNAPSHOT_END'],
          actionWebhook: { webhookUrl: 'http://127.0.0.1:9/mine', template: 'mine' },
        } as Hook);
      });
      // renamed: the same schedule (numeric id, name, assignment) under the new plan id
      await setConfig((config) => {
        config.plans![0]!.id = 'docs-renamed';
      });
      let v = await c.view();
      expect(v.schedules).toEqual([
        expect.objectContaining({ id: s.id, name: 'Docs', planId: 'docs-renamed' }),
      ]);
      expect(v.assignments['docs-renamed']).toEqual([assignment]);
      const renamed = (await c.get<Schedule[]>('/backups'))[0]!;

      // paths, cron and flags edited through Backrest show in the schedule at once
      await setConfig((config) => {
        const plan = config.plans![0]! as Plan & { backup_flags?: string[] };
        plan.paths = [src, dir];
        plan.schedule = { cron: '15 2 * * *' };
        plan.backup_flags = ['--one-file-system', '--exclude-caches'];
      });
      expect(await c.get<Json>(`/backups/${renamed.shortId}`)).toMatchObject({
        id: s.id,
        includePaths: expect.arrayContaining([src, dir]),
        cronExpression: '15 2 * * *',
        enabled: true,
        oneFileSystem: true,
        customResticParams: ['--exclude-caches'],
      });

      // the generated hook removed through Backrest: the assignment is gone, the user hook stays
      await setConfig((config) => {
        config.plans![0]!.hooks = config.plans![0]!.hooks!.filter(
          (x) => !MARKER.test(x.actionWebhook?.template ?? ''),
        );
      });
      v = await c.view();
      expect(v.assignments['docs-renamed']).toEqual([]);
      expect((await c.rpc<Config>('GetConfig', {})).plans![0]!.hooks).toHaveLength(1);
      // assigned again through Zerobyte: one generated hook, no duplicate, the user hook kept
      await c.call('PUT', `/backups/${renamed.shortId}/notifications`, { assignments: [assignment] });
      v = await c.view();
      expect(v.hooks['docs-renamed']).toHaveLength(1);
      expect((await c.rpc<Config>('GetConfig', {})).plans![0]!.hooks).toHaveLength(2);
      // a destination edit rewrites the generated hook in place
      await c.call('PATCH', `/notifications/destinations/${d.id}`, { config: { messageKey: 'msg' } });
      v = await c.view();
      expect(v.hooks['docs-renamed']).toHaveLength(1);
      expect(v.hooks['docs-renamed']![0]!.actionWebhook!.template).toContain('{"msg":');

      // an edit whose hook the config refuses is a 400 and leaves the destination as it was
      const refused = await c.call('PATCH', `/notifications/destinations/${d.id}`, {
        config: { url: 'not a url' },
      });
      expect(refused.status, refused.text).toBe(400);
      expect(await c.get<Destination>(`/notifications/destinations/${d.id}`)).toMatchObject({
        config: { url: 'http://127.0.0.1:9/********', messageKey: 'msg' },
      });
      await c.view();

      // a mirror's repository deleted through Backrest: the mirror goes with it
      const second = await c.call('POST', '/repositories', {
        name: 'Second',
        config: { backend: 'local', path: path.join(dir, 'repo2') },
      });
      expect(second.status, second.text).toBe(201);
      const secondId = (second.body as { repository: { id: string } }).repository.id;
      const mirrored = await c.call('PUT', `/backups/${renamed.shortId}/mirrors`, {
        mirrors: [{ repositoryId: secondId, enabled: true }],
      });
      expect(mirrored.status, mirrored.text).toBe(200);
      expect(await c.get<unknown[]>(`/backups/${renamed.shortId}/mirrors`)).toHaveLength(1);
      await setConfig((config) => {
        const repos = (config as { repos: { id: string }[] }).repos;
        (config as { repos: unknown[] }).repos = repos.filter((r) => r.id !== 'second');
      });
      expect(await c.get<unknown[]>(`/backups/${renamed.shortId}/mirrors`)).toEqual([]);

      // deleted through Backrest: gone from Zerobyte; a new schedule of the same name is a new one
      await setConfig((config) => {
        config.plans = [];
      });
      v = await c.view();
      expect(v.schedules).toEqual([]);
      const again = (
        await c.call('POST', '/backups', {
          name: 'Docs',
          repositoryId,
          enabled: false,
          cronExpression: '',
          includePaths: [src],
        })
      ).body as Schedule;
      expect(again.id).toBeGreaterThan(s.id);
      v = await c.view();
      expect(v.assignments[again.planId]).toEqual([]);
    } finally {
      await h.stop();
    }
  });
});

async function waitFor(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
