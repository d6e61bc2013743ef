// The one POSIX-shell word splitter (quotes and backslashes, no expansion), used both to validate
// config flags and to build restic/hook argv, so what validation accepts is exactly what runs.

/** Splits `s` into words like a POSIX shell; throws on an unterminated quote or a trailing backslash. */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && s[i + 1] === '\n')
        i++; // line continuation inside double quotes
      else if (ch === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1]!)) cur += s[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      // A trailing backslash escapes nothing: refuse rather than guess (a shell would wait for more input).
      if (i + 1 >= s.length) throw new Error('trailing backslash');
      if (s[i + 1] !== '\n') {
        cur += s[i + 1];
        inWord = true;
      }
      i++;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote === "'" ? 'single' : 'double'} quote`);
  if (inWord) out.push(cur);
  return out;
}
