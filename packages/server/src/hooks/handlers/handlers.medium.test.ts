import { create } from '@bufbuild/protobuf';
import { HookSchema } from '@restora/proto';
import type { Hook } from '@restora/proto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Condition } from '../conditions.js';
import { startReceiver } from '../test-receiver.js';
import { makeHookVars } from '../vars.js';
import { runHookAction } from './index.js';
import { shoutrrrRequest } from './shoutrrr.js';

let rx: Awaited<ReturnType<typeof startReceiver>>;
let dir: string;
beforeAll(async () => {
  rx = await startReceiver((r) =>
    r.url.includes('/fail500')
      ? { status: 500, body: 'nope' }
      : r.url.includes('/slow')
        ? { delayMs: 2000 }
        : {},
  );
  dir = await mkdtemp(join(tmpdir(), 'restora-hooks-'));
});
afterAll(async () => {
  await rx.close();
  await rm(dir, { recursive: true, force: true });
});

const vars = (event: number = Condition.SNAPSHOT_SUCCESS) =>
  makeHookVars({
    task: 'backup for plan "p1"',
    event,
    repo: { id: 'r1' },
    plan: { id: 'p1', paths: ['/data'] },
    snapshotId: 'abc123',
    snapshotStats: { dataAdded: 2048n },
    curTime: new Date('2026-06-01T00:00:00Z'),
  });
const hook = (action: Hook['action']): Hook =>
  create(HookSchema, { conditions: [Condition.SNAPSHOT_SUCCESS], action });
const ctx = () => ({ signal: new AbortController().signal, log: () => {} });
const last = () => rx.requests.at(-1)!;

describe('hook handlers', () => {
  it('webhook POSTs the rendered template and GETs without body', async () => {
    await runHookAction(
      hook({
        case: 'actionWebhook',
        value: { webhookUrl: `${rx.url}/wh`, method: 2, template: '{"snap":"{{ .SnapshotId }}"}' } as never,
      }),
      vars(),
      Condition.SNAPSHOT_SUCCESS,
      ctx(),
    );
    expect(last()).toMatchObject({ method: 'POST', url: '/wh', body: '{"snap":"abc123"}' });
    expect(last().headers['content-type']).toBe('application/json');
    await runHookAction(
      hook({
        case: 'actionWebhook',
        value: { webhookUrl: `${rx.url}/ping?x=1`, method: 1, template: '' } as never,
      }),
      vars(),
      Condition.SNAPSHOT_SUCCESS,
      ctx(),
    );
    expect(last()).toMatchObject({ method: 'GET', url: '/ping?x=1', body: '' });
  });

  it('discord, slack, gotify and telegram send their JSON shapes', async () => {
    const v = vars();
    await runHookAction(
      hook({
        case: 'actionDiscord',
        value: { webhookUrl: `${rx.url}/d`, template: 'hi {{ .Plan.Id }}' } as never,
      }),
      v,
      6,
      ctx(),
    );
    expect(JSON.parse(last().body)).toEqual({ content: 'hi p1' });
    await runHookAction(
      hook({ case: 'actionSlack', value: { webhookUrl: `${rx.url}/s`, template: 'plain' } as never }),
      v,
      6,
      ctx(),
    );
    expect(JSON.parse(last().body)).toEqual({ text: 'Backrest Notification\nplain' });
    await runHookAction(
      hook({ case: 'actionSlack', value: { webhookUrl: `${rx.url}/s`, template: '{"blocks":[]}' } as never }),
      v,
      6,
      ctx(),
    );
    expect(last().body).toBe('{"blocks":[]}');
    await runHookAction(
      hook({
        case: 'actionGotify',
        value: {
          baseUrl: `${rx.url}/g/`,
          token: 'tok',
          template: 'm',
          titleTemplate: 'T {{ .Repo.Id }}',
          priority: 5,
        } as never,
      }),
      v,
      6,
      ctx(),
    );
    expect(last().url).toBe('/g/message?token=tok');
    expect(JSON.parse(last().body)).toEqual({ message: 'm', title: 'T r1', priority: 5 });
    await runHookAction(
      hook({ case: 'actionTelegram', value: { botToken: '123:abc', chatId: '42', template: 'tg' } as never }),
      v,
      6,
      ctx(),
      { telegramApiBase: rx.url },
    );
    expect(last().url).toBe('/bot123:abc/sendMessage');
    expect(JSON.parse(last().body)).toEqual({ chat_id: '42', text: 'tg', parse_mode: 'HTML' });
  });

  it('healthchecks pings /start, /fail, /log or the bare URL by event', async () => {
    const h = hook({
      case: 'actionHealthchecks',
      value: { webhookUrl: `${rx.url}/hc/uuid`, template: 'x' } as never,
    });
    const seen: string[] = [];
    for (const ev of [
      Condition.SNAPSHOT_START,
      Condition.SNAPSHOT_ERROR,
      Condition.SNAPSHOT_END,
      Condition.SNAPSHOT_SUCCESS,
    ]) {
      await runHookAction(h, vars(ev), ev, ctx());
      seen.push(last().url);
    }
    expect(seen).toEqual(['/hc/uuid/start', '/hc/uuid/fail', '/hc/uuid/log', '/hc/uuid']);
  });

  it('shoutrrr ntfy:// and gotify:// and generic+http:// reach the receiver', async () => {
    const send = (url: string) =>
      runHookAction(
        hook({
          case: 'actionShoutrrr',
          value: { shoutrrrUrl: url, template: 'body {{ .SnapshotId }}' } as never,
        }),
        vars(),
        6,
        ctx(),
      );
    await send(`ntfy://${rx.host}/backups?scheme=http&priority=4`);
    expect(last()).toMatchObject({ url: '/backups', body: 'body abc123' });
    expect(last().headers.title).toBe('Backrest snapshot success');
    expect(last().headers.priority).toBe('4');
    await send(`gotify://${rx.host}/gt/TOKEN?disabletls=yes`);
    expect(last().url).toBe('/gt/message?token=TOKEN');
    expect(JSON.parse(last().body)).toMatchObject({ message: 'body abc123' });
    await send(`generic+${rx.url}/gen?a=b`);
    expect(last()).toMatchObject({ url: '/gen?a=b', body: 'body abc123' });
  });

  it('maps well-known shoutrrr services and rejects unknown ones', () => {
    const m = { title: 't', body: 'b' };
    expect(shoutrrrRequest('discord://TOKEN@12345', m).url).toBe(
      'https://discord.com/api/webhooks/12345/TOKEN',
    );
    expect(shoutrrrRequest('slack://hook:AA-BB-CC@webhook', m).url).toBe(
      'https://hooks.slack.com/services/AA/BB/CC',
    );
    expect(shoutrrrRequest('slack://AA/BB/CC', m).url).toBe('https://hooks.slack.com/services/AA/BB/CC');
    expect(shoutrrrRequest('telegram://123:abc@telegram?chats=@c', m).url).toBe(
      'https://api.telegram.org/bot123:abc/sendMessage',
    );
    expect(shoutrrrRequest('ntfy://ntfy.sh/topic', m).url).toBe('https://ntfy.sh/topic');
    expect(() => shoutrrrRequest('smtp://x@y', m)).toThrow(/unsupported service "smtp"/);
  });

  it('fails on non-2xx and times out slow receivers without leaking the URL', async () => {
    const h = hook({
      case: 'actionDiscord',
      value: { webhookUrl: `${rx.url}/fail500?token=SECRET`, template: 'x' } as never,
    });
    await expect(runHookAction(h, vars(), 6, ctx())).rejects.toThrow(
      /discord message: unexpected HTTP status 500: nope/,
    );
    await expect(runHookAction(h, vars(), 6, ctx())).rejects.not.toThrow(/SECRET/);
    const slow = hook({
      case: 'actionDiscord',
      value: { webhookUrl: `${rx.url}/slow`, template: 'x' } as never,
    });
    await expect(runHookAction(slow, vars(), 6, ctx(), { httpTimeoutMs: 200 })).rejects.toThrow(
      /no response within 200 ms/,
    );
  });

  it('command hooks run scripts with shebangs, capture output, fail on exit codes and can be cancelled', async () => {
    const out: string[] = [];
    const c = {
      signal: new AbortController().signal,
      log: (s: string) => {
        out.push(s);
      },
    };
    const run = (command: string, cx = c) =>
      runHookAction(hook({ case: 'actionCommand', value: { command } as never }), vars(), 6, cx);
    await run(`echo snap={{ .SnapshotId }} plan={{ .ShellEscape .Plan.Id }}; echo err >&2`);
    expect(out.join('')).toContain('snap=abc123 plan=p1');
    expect(out.join('')).toContain('err');
    await run(`#!/usr/bin/env node\nconsole.log('from node ' + (1 + 1))`);
    expect(out.join('')).toContain('from node 2');
    await expect(run('exit 7')).rejects.toThrow(/exit code 7/);
    const ac = new AbortController();
    const marker = join(dir, 'after');
    const p = run(`sleep 5; touch ${marker}`, { signal: ac.signal, log: () => {} });
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    await expect(p).rejects.toThrow(/cancelled/);
    expect(Date.now() - t0).toBeLessThan(3000);
    await expect(readFile(marker)).rejects.toThrow();
    await expect(
      runHookAction(hook({ case: 'actionCommand', value: { command: 'true' } as never }), vars(), 6, c, {
        commandHooksEnabled: false,
      }),
    ).rejects.toThrow(/disabled/);
  });
});
