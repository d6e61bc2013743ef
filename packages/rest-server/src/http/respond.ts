import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';

/** Go's http.Error: plain text status line, nosniff; never a stack trace. */
export function sendError(res: ServerResponse, status: number, allow?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  // setHeader (not writeHead's object) so the access log can read the length back.
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  if (allow !== undefined) res.setHeader('Allow', allow);
  res.writeHead(status);
  res.end(body);
}

/** A response without a body: `Content-Length: 0`, as Go sets it, except on a 304, which has no length. */
export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, status === 304 ? {} : { 'Content-Length': 0 });
  res.end();
}
