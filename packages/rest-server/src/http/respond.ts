import { STATUS_CODES } from 'node:http';
import type { ServerResponse } from 'node:http';

/** Go's http.Error: plain text status line, nosniff; never a stack trace. */
export function sendError(res: ServerResponse, status: number, allow?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  };
  if (allow !== undefined) headers.Allow = allow;
  res.writeHead(status, headers);
  res.end(body);
}

export function sendEmpty(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}
