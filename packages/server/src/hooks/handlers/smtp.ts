// Email through SMTP (nodemailer) from a shoutrrr-style smtp:// URL:
// smtp://[user:pass@]host:port/?from=a@b&fromname=Name&to=x@y,z@w&starttls=yes|no[&subject=..]
import nodemailer from 'nodemailer';
import type { ShoutrrrMessage } from './shoutrrr.js';

// shoutrrr's own names are accepted beside Zerobyte's (fromaddress, toaddresses, usestarttls)
const KEYS: Record<string, string> = {
  from: 'from',
  fromaddress: 'from',
  fromname: 'fromname',
  to: 'to',
  toaddresses: 'to',
  starttls: 'starttls',
  usestarttls: 'starttls',
  subject: 'subject',
};

export const isSmtpUrl = (url: string) => /^smtps?:\/\//i.test(url);

interface SmtpSettings {
  host: string;
  port: number;
  implicitTls: boolean;
  user?: string;
  pass?: string;
  from: string;
  fromName?: string;
  to: string[];
  startTls: boolean;
  subject?: string;
}

/** Every parameter is used or refused: an unknown one is an error, never ignored. */
export function parseSmtpUrl(raw: string): SmtpSettings {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error('email: invalid smtp URL');
  }
  const p: Record<string, string> = {};
  for (const [k, v] of u.searchParams) {
    const key = KEYS[k.toLowerCase()];
    if (!key) throw new Error(`email: unsupported smtp URL parameter "${k}"`);
    p[key] = v;
  }
  const to = (p.to ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!p.from) throw new Error('email: the smtp URL has no from address');
  if (to.length === 0) throw new Error('email: the smtp URL has no to address');
  const implicitTls = u.protocol === 'smtps:' || u.port === '465';
  return {
    host: u.hostname,
    port: Number(u.port || (implicitTls ? 465 : 25)),
    implicitTls,
    ...(u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {}),
    from: p.from,
    ...(p.fromname ? { fromName: p.fromname } : {}),
    to,
    startTls: p.starttls === undefined ? true : /^(yes|true|1)$/i.test(p.starttls),
    ...(p.subject ? { subject: p.subject } : {}),
  };
}

/** Sends one mail; errors name the SMTP step (never the password). */
export async function sendSmtp(
  raw: string,
  msg: ShoutrrrMessage,
  ctx: { signal: AbortSignal; timeoutMs?: number; log?: (line: string) => void },
): Promise<void> {
  const s = parseSmtpUrl(raw);
  const timeout = ctx.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.implicitTls,
    // starttls=yes: the server must offer STARTTLS (no plaintext fallback); no: never upgrade
    ...(s.implicitTls ? {} : s.startTls ? { requireTLS: true } : { ignoreTLS: true }),
    ...(s.user ? { auth: { user: s.user, pass: s.pass ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const abort = () => transport.close();
  ctx.signal.addEventListener('abort', abort, { once: true });
  ctx.log?.(`sending email to ${s.to.length} recipient(s) via ${s.host}:${s.port}`);
  try {
    await transport.sendMail({
      from: s.fromName ? { name: s.fromName, address: s.from } : s.from,
      to: s.to,
      subject: s.subject ?? msg.title,
      text: msg.body,
    });
  } catch (e) {
    if (ctx.signal.aborted) throw new Error('email: cancelled');
    throw new Error(`email: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 300)}`);
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    transport.close();
  }
}
