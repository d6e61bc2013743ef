// Human console lines from pino's JSON: "18:02:47 INFO  backup finished  plan=docs repo=nas op=42".
import type { DestinationStream } from 'pino';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const COLORS: Record<number, string> = { 20: '2', 40: '33', 50: '31', 60: '41' };
// Fields pino always writes, shown in the line's head instead of as key=value.
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);
// Context fields first, in this order, so a reader finds the plan/repo/op at the same place.
const FIRST = ['plan', 'repo', 'op', 'user', 'ip'];

export type LogFormat = 'json' | 'pretty';

/** `--log-format`: what was asked, else pretty on a TTY and JSON otherwise (what pino users expect in pipes). */
export function resolveLogFormat(asked: string | undefined, isTTY: boolean): LogFormat {
  if (asked === 'json' || asked === 'pretty') return asked;
  return isTTY ? 'pretty' : 'json';
}

function clock(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function show(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v && typeof v === 'object') {
    const o = v as { message?: unknown; stack?: unknown; method?: unknown; url?: unknown };
    if (typeof o.method === 'string' && typeof o.url === 'string') return `${o.method} ${o.url}`;
    if (typeof o.message === 'string') return JSON.stringify(o.message);
  }
  return JSON.stringify(v);
}

/** One pino JSON line as a console line; a line that is not JSON passes through. */
export function prettyLine(json: string, color = false): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.replace(/\n$/, '');
  }
  const level = Number(rec.level);
  let name = LEVELS[level] ?? `L${level}`;
  const tint = COLORS[level];
  if (color && tint) name = `\x1b[${tint}m${name}\x1b[0m`;
  const keys = Object.keys(rec).filter((k) => !HIDDEN.has(k));
  keys.sort((a, b) => rank(a) - rank(b));
  const pairs = keys.map((k) => `${k}=${show(rec[k])}`);
  const time = typeof rec.time === 'number' ? clock(rec.time) : '';
  return [time, name, String(rec.msg ?? ''), ...pairs].filter(Boolean).join(' ');
}

const rank = (k: string) => {
  const i = FIRST.indexOf(k);
  return i < 0 ? FIRST.length : i;
};

/** A pino destination writing human lines to `out` (colored when `out` is a TTY). */
export function prettyDestination(out: NodeJS.WriteStream = process.stdout): DestinationStream {
  const color = out.isTTY === true && !process.env.NO_COLOR;
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line) out.write(`${prettyLine(line, color)}\n`);
    },
  };
}
