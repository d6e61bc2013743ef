import type { IncomingMessage, ServerResponse } from 'node:http';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

function clfTime(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${pad(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

const quote = (s: string | undefined): string => (s ?? '').replace(/["\\]/g, '\\$&');

/** One line of the Apache combined log format as gorilla/handlers writes it (HTTP/2 shows as `HTTP/2.0`). */
export function combinedLogLine(
  req: IncomingMessage,
  res: ServerResponse,
  remote: string | undefined,
  user: string,
  bytes: number,
  at: Date,
): string {
  return (
    `${remote ?? '-'} - ${user === '' ? '-' : user} [${clfTime(at)}] ` +
    `"${req.method} ${quote(req.url)} HTTP/${req.httpVersion}" ${res.statusCode} ${bytes} ` +
    `"${quote(req.headers.referer)}" "${quote(req.headers['user-agent'])}"\n`
  );
}
