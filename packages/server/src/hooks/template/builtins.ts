import { TemplateError } from './ast.js';
import { formatValue, truthy } from './values.js';

type Fn = (...args: unknown[]) => unknown;

const num = (v: unknown): number | bigint => {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  throw new TemplateError(`incompatible type for comparison: ${formatValue(v)}`);
};
const cmp = (a: unknown, b: unknown): number => {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = num(a);
  const y = num(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
const eq1 = (a: unknown, b: unknown): boolean =>
  (typeof a === 'bigint' || typeof b === 'bigint') && (typeof a === 'number' || typeof a === 'bigint')
    ? BigInt(a as number) === BigInt(b as number)
    : a === b;

// printf subset: %s %d %v %q %f %.Nf %x %%
function sprintf(format: unknown, ...args: unknown[]): string {
  let i = 0;
  return String(format).replace(/%(\.\d+)?([sdvqfx%])/g, (_m, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const a = args[i++];
    switch (verb) {
      case 'd':
        return typeof a === 'number' ? String(Math.trunc(a)) : formatValue(a);
      case 'f':
        return Number(a).toFixed(prec ? Number(prec.slice(1)) : 6);
      case 'q':
        return JSON.stringify(formatValue(a));
      case 'x':
        return typeof a === 'number' || typeof a === 'bigint'
          ? a.toString(16)
          : Buffer.from(String(a)).toString('hex');
      default:
        return formatValue(a);
    }
  });
}

export const builtins: Record<string, Fn> = {
  not: (a) => !truthy(a),
  eq: (a, ...bs) => bs.some((b) => eq1(a, b)),
  ne: (a, b) => !eq1(a, b),
  lt: (a, b) => cmp(a, b) < 0,
  le: (a, b) => cmp(a, b) <= 0,
  gt: (a, b) => cmp(a, b) > 0,
  ge: (a, b) => cmp(a, b) >= 0,
  len: (a) => {
    if (typeof a === 'string' || Array.isArray(a)) return a.length;
    if (a instanceof Map) return a.size;
    if (a && typeof a === 'object') return Object.keys(a).length;
    throw new TemplateError(`len of ${formatValue(a)}`);
  },
  index: (a, ...keys) =>
    keys.reduce<unknown>((cur, k) => {
      if (cur instanceof Map) return cur.get(k);
      if (cur === null || cur === undefined) return undefined;
      return (cur as Record<string, unknown>)[String(k)];
    }, a),
  print: (...a) => a.map(formatValue).join(''),
  println: (...a) => a.map(formatValue).join(' ') + '\n',
  printf: (f, ...a) => sprintf(f, ...a),
  html: (...a) =>
    a
      .map(formatValue)
      .join('')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&#34;')
      .replace(/'/g, '&#39;'),
  js: (...a) => JSON.stringify(a.map(formatValue).join('')).slice(1, -1),
  urlquery: (...a) => encodeURIComponent(a.map(formatValue).join('')),
};
