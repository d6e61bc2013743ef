import type { HttpRequest } from './http.js';

export interface ShoutrrrMessage {
  title: string;
  body: string;
}

// Maps a shoutrrr-style URL to a plain HTTP request, for the services people use with Backrest
// (https://containrrr.dev/shoutrrr/services/overview/). Unsupported schemes throw a clear error.
export interface ShoutrrrOptions {
  /** Telegram Bot API base URL (tests point it at a local receiver). */
  telegramApiBase?: string;
}

export function shoutrrrRequest(
  rawUrl: string,
  msg: ShoutrrrMessage,
  opts: ShoutrrrOptions = {},
): HttpRequest {
  let u: URL;
  try {
    u = new URL(rawUrl);
  } catch {
    throw new Error('shoutrrr: invalid URL');
  }
  const scheme = u.protocol.replace(/:$/, '');
  const q = u.searchParams;
  const tls = (def = true) => {
    const d = q.get('disabletls');
    if (d !== null) return !/^(yes|true|1)$/i.test(d);
    const s = q.get('scheme');
    return s ? s === 'https' : def;
  };
  const hostPort = () => u.host;
  const path = () => decodeURIComponent(u.pathname.replace(/^\/+/, ''));
  const json = (v: unknown) => JSON.stringify(v);

  if (scheme.startsWith('generic+')) return genericRequest(new URL(rawUrl.slice('generic+'.length)), msg);
  switch (scheme) {
    case 'generic':
      return genericRequest(new URL(`${tls() ? 'https' : 'http'}://${u.host}${u.pathname}${u.search}`), msg);
    case 'ntfy': {
      // ntfy://[user:pass@]host[:port]/topic[?scheme=http&priority=..&tags=..]
      const headers: Record<string, string> = {};
      if (msg.title) headers.Title = encodeHeader(msg.title);
      for (const k of ['priority', 'tags', 'click', 'icon']) {
        const v = q.get(k);
        if (v) headers[k[0]!.toUpperCase() + k.slice(1)] = v;
      }
      // user:password is Basic; a password alone is an access token (ntfy://:tk_...@host/topic, as Zerobyte writes it)
      if (u.username) headers.Authorization = basic(u);
      else if (u.password) headers.Authorization = `Bearer ${decodeURIComponent(u.password)}`;
      const host = u.host || 'ntfy.sh';
      return {
        label: 'ntfy message',
        url: `${tls() ? 'https' : 'http'}://${host}/${path()}`,
        body: msg.body,
        headers,
      };
    }
    case 'gotify': {
      // gotify://host[:port][/path]/token
      const parts = path().split('/');
      const token = parts.pop() ?? '';
      const base = `${tls() ? 'https' : 'http'}://${hostPort()}${parts.length ? `/${parts.join('/')}` : ''}`;
      const priority = Number(q.get('priority') ?? 0);
      return {
        label: 'gotify message',
        url: `${base}/message?token=${encodeURIComponent(token)}`,
        body: json({ title: msg.title, message: msg.body, priority }),
        contentType: 'application/json',
      };
    }
    case 'discord': {
      // discord://token@webhookid
      return {
        label: 'discord message',
        url: `https://discord.com/api/webhooks/${u.hostname}/${decodeURIComponent(u.username)}`,
        body: json({ content: msg.title ? `${msg.title}\n${msg.body}` : msg.body }),
        contentType: 'application/json',
      };
    }
    case 'slack': {
      // slack://hook:A/B/C@webhook (new) or slack://[botname@]A/B/C (legacy)
      const tokens =
        u.username === 'hook'
          ? `${decodeURIComponent(u.password)}`
          : `${u.hostname}/${path()}`.replace(/\/+$/, '');
      return {
        label: 'slack message',
        url: `https://hooks.slack.com/services/${tokens.replace(/-/g, '/')}`,
        body: json({ text: msg.title ? `${msg.title}\n${msg.body}` : msg.body }),
        contentType: 'application/json',
      };
    }
    case 'telegram': {
      // telegram://token@telegram?chats=@chan,123
      const token = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
      // chats=<chat>[:<thread>] (the thread is a forum topic: message_thread_id)
      const first = (q.get('chats') ?? q.get('channels') ?? '').split(',')[0] ?? '';
      const m = /^(.*?)(?::(\d+))?$/.exec(first);
      const base = (opts.telegramApiBase ?? 'https://api.telegram.org').replace(/\/+$/, '');
      return {
        label: 'telegram message',
        url: `${base}/bot${token}/sendMessage`,
        body: json({
          chat_id: m?.[1] ?? first,
          text: msg.body,
          ...(m?.[2] ? { message_thread_id: Number(m[2]) } : {}),
        }),
        contentType: 'application/json',
      };
    }
    case 'pushover': {
      // pushover://shoutrrr:apiToken@userKey/?devices=a,b
      const body: Record<string, string> = {
        token: decodeURIComponent(u.password),
        user: u.hostname,
        message: msg.body,
      };
      if (msg.title) body.title = msg.title;
      const devices = q.get('devices');
      if (devices) body.device = devices;
      return {
        label: 'pushover message',
        url: 'https://api.pushover.net/1/messages.json',
        body: json(body),
        contentType: 'application/json',
      };
    }
    default:
      throw new Error(
        `shoutrrr: unsupported service "${scheme}" (supported: ntfy, gotify, discord, slack, telegram, pushover, smtp, generic, generic+http(s))`,
      );
  }
}

function basic(u: URL): string {
  return `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
}

// HTTP headers must be Latin-1; ntfy accepts RFC 2047 encoded words for anything else.
function encodeHeader(v: string): string {
  const line = v.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(line) ? line : `=?UTF-8?B?${Buffer.from(line).toString('base64')}?=`;
}

/** shoutrrr's generic service keys; `_key` escapes a target parameter of the same name. */
export const GENERIC_KEYS = [
  'contenttype',
  'disabletls',
  'messagekey',
  'method',
  'template',
  'title',
  'titlekey',
];

/**
 * shoutrrr's generic webhook: `@Name=value` adds a header, `$key=value` a JSON field, `template=json` sends
 * `{title, message}` (names from titlekey/messagekey), else the message as text; other parameters stay on the URL.
 */
function genericRequest(target: URL, msg: ShoutrrrMessage): HttpRequest {
  const q = new URLSearchParams(target.search);
  const url = new URL(target.toString());
  url.search = '';
  const headers: Record<string, string> = {};
  const extra: Record<string, string> = {};
  const cfg: Record<string, string> = {};
  for (const [k, v] of q) {
    if (k.startsWith('@')) headers[k.slice(1)] = v;
    else if (k.startsWith('$')) extra[k.slice(1)] = v;
    else if (GENERIC_KEYS.includes(k.toLowerCase())) cfg[k.toLowerCase()] = v;
    else
      url.searchParams.append(
        k.startsWith('_') && GENERIC_KEYS.includes(k.slice(1).toLowerCase()) ? k.slice(1) : k,
        v,
      );
  }
  if (cfg.template && cfg.template !== 'json')
    throw new Error(`shoutrrr: generic template "${cfg.template}" is not supported (only json)`);
  const method = (cfg.method ?? 'POST').toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    throw new Error(`shoutrrr: generic method ${method} is not supported`);
  if (Object.keys(extra).length && cfg.template !== 'json')
    throw new Error('shoutrrr: generic $-fields need template=json');
  const title = cfg.title ?? msg.title;
  const isJson = cfg.template === 'json';
  const body = isJson
    ? JSON.stringify({
        // title= (empty) leaves the field out: APIs such as Discord's want only their own fields
        ...(title ? { [cfg.titlekey || 'title']: title } : {}),
        [cfg.messagekey || 'message']: msg.body,
        ...extra,
      })
    : msg.body;
  return {
    label: 'generic webhook',
    url: url.toString(),
    method,
    ...(method === 'GET'
      ? {}
      : { body, contentType: cfg.contenttype ?? (isJson ? 'application/json' : undefined) }),
    headers,
  };
}
