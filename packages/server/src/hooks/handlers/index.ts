import type { Hook } from '@restora/proto';
import { Hook_Webhook_Method } from '@restora/proto';
import { isErrorCondition, isStartCondition, Condition } from '../conditions.js';
import type { HookVars } from '../vars.js';
import { renderHookTemplate } from '../vars.js';
import { renderTemplate } from '../template/index.js';
import { runCommandHook } from './command.js';
import { sendHttp } from './http.js';
import type { HttpRequest } from './http.js';
import { shoutrrrRequest } from './shoutrrr.js';
import { isSmtpUrl, sendSmtp } from './smtp.js';

export interface HandlerOptions {
  /** Per-request HTTP timeout (default 30 s). */
  httpTimeoutMs?: number;
  /** Command hook timeout (default none). */
  commandTimeoutMs?: number;
  /** Locked-down installs can refuse command hooks. Default true. */
  commandHooksEnabled?: boolean;
  /** Override for tests: Telegram Bot API base URL. */
  telegramApiBase?: string;
  env?: NodeJS.ProcessEnv;
}

export interface HandlerContext {
  signal: AbortSignal;
  /** Hook op's log (command output, HTTP request notes). */
  log: (chunk: string) => void;
}

/** Runs one hook action for the event. Throws on failure (the caller applies on_error). */
export async function runHookAction(
  hook: Hook,
  vars: HookVars,
  event: number,
  ctx: HandlerContext,
  opts: HandlerOptions = {},
): Promise<void> {
  const http = (req: HttpRequest) =>
    sendHttp(req, { signal: ctx.signal, timeoutMs: opts.httpTimeoutMs, log: (l) => ctx.log(`${l}\n`) });
  const a = hook.action;
  switch (a.case) {
    case 'actionCommand': {
      if (opts.commandHooksEnabled === false) throw new Error('command hooks are disabled on this server');
      const script = renderTemplate(a.value.command, vars);
      return runCommandHook(script, {
        signal: ctx.signal,
        output: ctx.log,
        env: opts.env,
        timeoutMs: opts.commandTimeoutMs,
      });
    }
    case 'actionWebhook': {
      const body = renderHookTemplate(a.value.template, vars);
      const isGet = a.value.method === Hook_Webhook_Method.GET;
      await http({
        label: 'webhook',
        url: a.value.webhookUrl,
        method: isGet ? 'GET' : 'POST',
        ...(isGet
          ? {}
          : { body, contentType: looksLikeJson(body) ? 'application/json' : 'text/plain; charset=utf-8' }),
      });
      return;
    }
    case 'actionDiscord': {
      const content = renderHookTemplate(a.value.template, vars);
      await http({
        label: 'discord message',
        url: a.value.webhookUrl,
        body: JSON.stringify({ content }),
        contentType: 'application/json',
      });
      return;
    }
    case 'actionSlack': {
      const text = renderHookTemplate(a.value.template, vars);
      // A rendered Block Kit payload is sent as-is; plain text is wrapped like Backrest does.
      const body = looksLikeJson(text) ? text : JSON.stringify({ text: `Backrest Notification\n${text}` });
      await http({ label: 'slack message', url: a.value.webhookUrl, body, contentType: 'application/json' });
      return;
    }
    case 'actionGotify': {
      const message = renderHookTemplate(a.value.template, vars);
      const title = a.value.titleTemplate.trim()
        ? renderTemplate(a.value.titleTemplate, vars)
        : 'Backrest Event';
      const base = a.value.baseUrl.replace(/\/+$/, '');
      await http({
        label: 'gotify message',
        url: `${base}/message?token=${encodeURIComponent(a.value.token)}`,
        body: JSON.stringify({ message, title, priority: a.value.priority || 5 }),
        contentType: 'application/json',
      });
      return;
    }
    case 'actionHealthchecks': {
      const payload = renderHookTemplate(a.value.template, vars);
      let url = a.value.webhookUrl.replace(/\/+$/, '');
      if (isStartCondition(event)) url += '/start';
      else if (isErrorCondition(event)) url += '/fail';
      else if (event === Condition.SNAPSHOT_END) url += '/log';
      await http({ label: 'healthchecks ping', url, body: payload });
      return;
    }
    case 'actionTelegram': {
      const text = renderHookTemplate(a.value.template, vars);
      const base = (opts.telegramApiBase ?? 'https://api.telegram.org').replace(/\/+$/, '');
      await http({
        label: 'telegram message',
        url: `${base}/bot${a.value.botToken}/sendMessage`,
        body: JSON.stringify({ chat_id: a.value.chatId, text, parse_mode: 'HTML' }),
        contentType: 'application/json',
      });
      return;
    }
    case 'actionShoutrrr': {
      const body = renderHookTemplate(a.value.template, vars);
      const msg = { title: `Backrest ${vars.EventName(event)}`, body };
      if (isSmtpUrl(a.value.shoutrrrUrl))
        return sendSmtp(a.value.shoutrrrUrl, msg, {
          signal: ctx.signal,
          timeoutMs: opts.httpTimeoutMs,
          log: (l) => ctx.log(`${l}\n`),
        });
      await http(shoutrrrRequest(a.value.shoutrrrUrl, msg, { telegramApiBase: opts.telegramApiBase }));
      return;
    }
    default:
      throw new Error('hook has no action');
  }
}

/** Short type name used in hook op names ("<type> hook plan/<id>/hook/<idx>"). */
export function hookTypeName(hook: Hook): string {
  const c = hook.action.case;
  return c ? c.replace(/^action/, '').toLowerCase() : 'unknown';
}

function looksLikeJson(s: string): boolean {
  const t = s.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}
