import type { HttpRequest } from './http.js';

export interface ShoutrrrMessage {
  title: string;
  body: string;
}

// Maps a shoutrrr-style URL to a plain HTTP request, for the services people use with Backrest
// (https://containrrr.dev/shoutrrr/services/overview/). Unsupported schemes throw a clear error.
export function shoutrrrRequest(rawUrl: string, msg: ShoutrrrMessage): HttpRequest {
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

  if (scheme.startsWith('generic+')) {
    const target = new URL(rawUrl.slice('generic+'.length));
    return { label: 'generic webhook', url: target.toString(), body: msg.body };
  }
  switch (scheme) {
    case 'generic': {
      const target = new URL(`${tls() ? 'https' : 'http'}://${u.host}${u.pathname}`);
      for (const [k, v] of q) if (k !== 'disabletls' && k !== 'template') target.searchParams.append(k, v);
      return { label: 'generic webhook', url: target.toString(), body: msg.body };
    }
    case 'ntfy': {
      // ntfy://[user:pass@]host[:port]/topic[?scheme=http&priority=..&tags=..]
      const headers: Record<string, string> = {};
      if (msg.title) headers.Title = encodeHeader(msg.title);
      for (const k of ['priority', 'tags', 'click', 'icon']) {
        const v = q.get(k);
        if (v) headers[k[0]!.toUpperCase() + k.slice(1)] = v;
      }
      if (u.username) headers.Authorization = basic(u);
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
      const chat = (q.get('chats') ?? q.get('channels') ?? '').split(',')[0] ?? '';
      return {
        label: 'telegram message',
        url: `https://api.telegram.org/bot${token}/sendMessage`,
        body: json({ chat_id: chat, text: msg.body }),
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
        `shoutrrr: unsupported service "${scheme}" (supported: ntfy, gotify, discord, slack, telegram, pushover, generic, generic+http(s))`,
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
