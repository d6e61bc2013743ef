// Go-like value formatting and truthiness for template output.

/** A Go time.Duration (nanoseconds), printed like Go's Duration.String(). */
export class GoDuration {
  constructor(readonly ns: number) {}
  static fromMs(ms: number): GoDuration {
    return new GoDuration(Math.round(ms * 1e6));
  }
  toString(): string {
    return formatGoDuration(this.ns);
  }
  toJSON(): number {
    return this.ns;
  }
}

export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let n = Math.abs(Math.trunc(ns));
  let s: string;
  if (n < 1e3) s = `${n}ns`;
  else if (n < 1e6) s = `${trimFrac(n / 1e3)}µs`;
  else if (n < 1e9) s = `${trimFrac(n / 1e6)}ms`;
  else {
    const h = Math.floor(n / 3.6e12);
    n -= h * 3.6e12;
    const m = Math.floor(n / 6e10);
    n -= m * 6e10;
    const sec = `${trimFrac(n / 1e9)}s`;
    s = h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec;
  }
  return neg ? `-${s}` : s;
}

function trimFrac(x: number): string {
  return x.toFixed(9).replace(/\.?0+$/, '');
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '' || v === 0n) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof GoDuration) return v.ns !== 0;
  return true;
}

export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : goFloat(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof GoDuration) return v.toString();
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`;
  if (typeof v === 'function') return '<function>';
  return jsonMarshal(v);
}

function goFloat(v: number): string {
  const s = String(v);
  return s.replace(/e\+?(-?)(\d)$/, 'e$1+0$2').replace('e+-', 'e-');
}

/** JSON encoding tolerant of bigint (as numbers) and protobuf-es `$typeName` keys (dropped). */
export function jsonMarshal(v: unknown): string {
  return (
    JSON.stringify(v, (k, val: unknown) => {
      if (k === '$typeName') return undefined;
      if (typeof val === 'bigint') return Number(val);
      return val;
    }) ?? 'null'
  );
}
