// `Content-Disposition: attachment` exactly as Backrest's Go server writes it (mime.FormatMediaType): a token as is,
// printable ASCII quoted, anything else (non-ASCII, control characters) as RFC 2231 `filename*=utf-8''...`.
const TSPECIALS = new Set('()<>@,;:\\"/[]?=');

const isTokenChar = (c: string) => c > ' ' && c < '\x7f' && !TSPECIALS.has(c);

export function attachment(filename: string): string {
  if ([...filename].some((c) => (c < ' ' && c !== '\t') || c >= '\x7f')) {
    let enc = '';
    for (const byte of Buffer.from(filename, 'utf8')) {
      const c = String.fromCharCode(byte);
      enc +=
        byte < 0x80 && isTokenChar(c) && !"*'%".includes(c)
          ? c
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return `attachment; filename*=utf-8''${enc}`;
  }
  if (filename !== '' && [...filename].every(isTokenChar)) return `attachment; filename=${filename}`;
  return `attachment; filename="${filename.replace(/["\\]/g, '\\$&')}"`;
}
