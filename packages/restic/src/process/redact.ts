/** Hides credentials in URLs (`scheme://user:secret@host`) and any known secret value. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/** Shell-like rendering of argv for error messages and logs. */
export function formatCommand(
  binary: string,
  args: readonly string[],
  secrets: readonly string[] = [],
): string {
  const q = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return redact([binary, ...args].map(q).join(' '), secrets);
}
