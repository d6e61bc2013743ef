// Upgrading from the version that recognised generated hooks by their exact JSON text (`plan-hooks` rows) and kept
// assignments as bare lists: the first start replaces those hooks by marked ones (no duplicate, the user's own
// hook kept), keeps the schedule's numeric id and the assignment, and a second start changes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create, toJson, toJsonString } from '@bufbuild/protobuf';
import { HookSchema, Hook_Condition } from '@restora/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD, startHarness, USER } from '../../api/rest/testing/harness.js';
import { hashPassword } from '../../auth/passwords.js';
import { MetaStore } from './meta-store.js';
import { actionFor } from './notification-actions.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'restora-legacy-hooks-'));
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const destConfig = { type: 'generic', url: 'http://127.0.0.1:9/notify', method: 'POST' };
const legacyHook = create(HookSchema, {
  conditions: [Hook_Condition.SNAPSHOT_SUCCESS, Hook_Condition.SNAPSHOT_ERROR],
  action: actionFor(destConfig),
});
const userHook = create(HookSchema, {
  conditions: [Hook_Condition.SNAPSHOT_END],
  action: { case: 'actionWebhook', value: { webhookUrl: 'http://127.0.0.1:9/mine', template: 'mine' } },
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('notification rows of an older version', () => {
  it('are converted once at start: marked hooks, same ids, no duplicates', async () => {
    const configFile = path.join(dir, 'config', 'config.json');
    fs.mkdirSync(path.dirname(configFile), { recursive: true });
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        version: 6,
        instance: 'legacy',
        auth: { users: [{ name: USER, passwordBcrypt: await hashPassword(PASSWORD) }] },
        repos: [{ id: 'r', uri: path.join(dir, 'repo'), password: 'pw', guid: 'a'.repeat(64) }],
        plans: [
          {
            id: 'legacy',
            repo: 'r',
            paths: [dir],
            schedule: { disabled: true },
            hooks: [toJson(HookSchema, userHook), toJson(HookSchema, legacyHook)],
          },
        ],
      }),
      { mode: 0o600 },
    );
    const meta = new MetaStore(path.join(dir, 'data', 'rest-api.sqlite'));
    meta.db.prepare("INSERT INTO zb_seq (kind, value) VALUES ('schedule', 7), ('destination', 1)").run();
    meta.put('schedule', 'legacy', { id: 7, name: 'Legacy', createdAt: 1, updatedAt: 1, maxRetries: 4 });
    meta.put('destination', '1', {
      id: 1,
      name: 'Hook',
      enabled: true,
      status: 'unknown',
      lastChecked: null,
      lastError: null,
      type: 'generic',
      config: destConfig,
      createdAt: 1,
      updatedAt: 1,
    });
    const assignment = {
      destinationId: 1,
      notifyOnStart: false,
      notifyOnSuccess: true,
      notifyOnWarning: false,
      notifyOnFailure: true,
    };
    meta.put('assignment', 'legacy', [{ ...assignment, createdAt: 5 }]);
    meta.put('plan-hooks', 'legacy', [toJsonString(HookSchema, legacyHook)]);
    meta.close();

    for (const round of [1, 2]) {
      const h = await startHarness('legacy', { dir });
      try {
        const cookie = await h.login();
        const schedules = (await h.call('GET', '/api/v1/backups', { cookie })).body as {
          id: number;
          name: string;
          shortId: string;
          maxRetries: number;
        }[];
        expect(schedules, `start ${round}`).toMatchObject([{ id: 7, name: 'Legacy', maxRetries: 4 }]);
        const assigned = await h.call('GET', `/api/v1/backups/${schedules[0]!.shortId}/notifications`, {
          cookie,
        });
        expect(assigned.body, `start ${round}`).toMatchObject([{ ...assignment, createdAt: 5 }]);
        const config = (await h.call('POST', '/v1.Backrest/GetConfig', {
          json: {},
          headers: { authorization: basic },
        })) as { body: { plans: { hooks: Record<string, { template: string }>[] }[] } };
        // the user's own webhook hook, then the generated one (a generic destination is a shoutrrr generic URL)
        const templates = config.body.plans[0]!.hooks.map(
          (x) => (x.actionWebhook ?? x.actionShoutrrr)!.template,
        );
        expect(templates, `start ${round}`).toEqual([
          'mine',
          expect.stringMatching(
            /^\{\{\/\* zerobyte-notification destination=1 on=success,failure since=5 \*\/\}\}/,
          ),
        ]);
      } finally {
        await h.stop();
      }
    }
    const after = new MetaStore(path.join(dir, 'data', 'rest-api.sqlite'));
    try {
      expect(after.list('plan-hooks')).toEqual([]);
    } finally {
      after.close();
    }
  });
});
