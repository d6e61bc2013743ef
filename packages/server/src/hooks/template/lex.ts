import { TemplateError } from './ast.js';

export type Token =
  | { k: 'field'; path: string[] } // .A.B or . (empty path)
  | { k: 'var'; name: string; path: string[] } // $x.A
  | { k: 'ident'; name: string }
  | { k: 'lit'; value: unknown }
  | { k: '(' | ')' | '|' | ':=' | '=' | ',' };

export type Chunk = { text: string } | { action: string };

// Splits a template into text and action chunks, applying `{{-` / `-}}` whitespace trimming and comments.
export function splitChunks(src: string): Chunk[] {
  const out: Chunk[] = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = open < 0 ? src.slice(i) : src.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) out.push({ text });
      break;
    }
    let start = open + 2;
    if (/^-\s/.test(src.slice(start, start + 2))) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) out.push({ text });
    const close = findClose(src, start);
    if (close < 0) throw new TemplateError(`unclosed action starting at offset ${open}`);
    let end = close;
    if (/\s-$/.test(src.slice(close - 2, close))) {
      trimNext = true;
      end = close - 1;
    }
    const body = src.slice(start, end).trim();
    if (!(body.startsWith('/*') && body.endsWith('*/'))) out.push({ action: body });
    i = close + 2;
  }
  return out;
}

// Finds the `}}` closing an action, skipping string literals that may contain braces.
function findClose(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === '`' || c === "'") {
      const q = c;
      for (i++; i < src.length && src[i] !== q; i++) if (q !== '`' && src[i] === '\\') i++;
      continue;
    }
    if (c === '}' && src[i + 1] === '}') return i;
  }
  return -1;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

export function lexAction(src: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (rest.startsWith(':=')) {
      toks.push({ k: ':=' });
      i += 2;
    } else if ('()|=,'.includes(c)) {
      toks.push({ k: c as '(' | ')' | '|' | '=' | ',' });
      i++;
    } else if (c === '.' && !/^\.\d/.test(rest)) {
      const m = /^(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest);
      const path = m ? m[0].slice(1).split('.') : [];
      toks.push({ k: 'field', path });
      i += m ? m[0].length : 1;
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?((\.[A-Za-z_][A-Za-z0-9_]*)*)/.exec(rest)!;
      toks.push({ k: 'var', name: m[1] ?? '', path: m[2] ? m[2].slice(1).split('.') : [] });
      i += m[0].length;
    } else if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(rest);
      if (!m) throw new TemplateError(`unterminated string in "${src}"`);
      toks.push({ k: 'lit', value: JSON.parse(m[0]) as string });
      i += m[0].length;
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) throw new TemplateError(`unterminated raw string in "${src}"`);
      toks.push({ k: 'lit', value: src.slice(i + 1, end) });
      i = end + 1;
    } else if (/^[-+]?(\d|\.\d)/.test(rest)) {
      const m = /^[-+]?(0x[0-9a-fA-F]+|\d*\.?\d+(e[-+]?\d+)?)/.exec(rest)!;
      toks.push({ k: 'lit', value: Number(m[0]) });
      i += m[0].length;
    } else if (IDENT.test(rest)) {
      const name = IDENT.exec(rest)![0];
      if (name === 'true' || name === 'false') toks.push({ k: 'lit', value: name === 'true' });
      else if (name === 'nil') toks.push({ k: 'lit', value: null });
      else toks.push({ k: 'ident', name });
      i += name.length;
      // a field chain directly after a parenthesised value is handled by the parser; after ident it's an error
    } else {
      throw new TemplateError(`unexpected "${c}" in action "${src}"`);
    }
  }
  return toks;
}
