import { describe, expect, it } from 'vitest';
import { attachment } from './content-disposition.js';

describe('attachment (Content-Disposition as Go mime.FormatMediaType writes it)', () => {
  // expected values printed by Go 1.x: mime.FormatMediaType("attachment", map[string]string{"filename": name})
  it.each([
    ['/tmp/x/src/sub/b.bin', 'attachment; filename="/tmp/x/src/sub/b.bin"'],
    ['/a b/"q"\\.txt', 'attachment; filename="/a b/\\"q\\"\\\\.txt"'],
    ['/héllo/wörld.txt', "attachment; filename*=utf-8''%2Fh%C3%A9llo%2Fw%C3%B6rld.txt"],
    ['plain.txt', 'attachment; filename=plain.txt'],
    ['/a;b=c/x(1).txt', 'attachment; filename="/a;b=c/x(1).txt"'],
    ['/tab\there', 'attachment; filename="/tab\there"'],
    ['/emoji😀.tar', "attachment; filename*=utf-8''%2Femoji%F0%9F%98%80.tar"],
    ['/new\nline', "attachment; filename*=utf-8''%2Fnew%0Aline"],
  ])('%j', (name, header) => expect(attachment(name)).toBe(header));
});
