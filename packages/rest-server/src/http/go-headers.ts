import type { IncomingMessage } from 'node:http';

/** textproto.TrimString: ASCII space only (not String.prototype.trim's Unicode set). */
export const trimSpace = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

/** The value Go's Header.Get reads: the first of repeated headers (Node joins most of them with ", "). */
export function firstHeader(req: IncomingMessage, name: string): string | undefined {
  const h = req.headers[name];
  if (typeof h !== 'string' || !h.includes(',')) return typeof h === 'string' ? h : h?.[0];
  return (req.headersDistinct as IncomingMessage['headersDistinct'] | undefined)?.[name]?.[0] ?? h;
}
