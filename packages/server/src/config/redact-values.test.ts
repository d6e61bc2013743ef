import { describe, expect, it } from 'vitest';
import { keepsStored, maskUriPassword, maskUrl } from './redact-values.js';
import { REDACTED } from './types.js';

describe('maskUriPassword', () => {
  it.each([
    ['rest:http://user:PASS@host:8000/repo', `rest:http://user:${REDACTED}@host:8000/repo`],
    ['s3:https://ak:sk@minio.local/bucket', `s3:https://ak:${REDACTED}@minio.local/bucket`],
    ['sftp://u:p%40ss@h//srv/x', `sftp://u:${REDACTED}@h//srv/x`],
    ['rest:https://u:a@b@host/', `rest:https://u:${REDACTED}@host/`],
    ['rest:http://user@host/', 'rest:http://user@host/'],
    ['rest:http://user:@host/', 'rest:http://user:@host/'],
    ['sftp:user@host:/srv', 'sftp:user@host:/srv'],
    ['/srv/restic//x', '/srv/restic//x'],
    ['rclone:remote:path', 'rclone:remote:path'],
  ])('%s', (uri, masked) => expect(maskUriPassword(uri)).toBe(masked));
});

describe('maskUrl', () => {
  it.each([
    ['https://discord.com/api/webhooks/1/TOKEN', `https://discord.com/${REDACTED}`],
    ['https://hc-ping.com/uuid-secret', `https://hc-ping.com/${REDACTED}`],
    ['https://u:p@hook.example:8443/', `https://hook.example:8443/${REDACTED}`],
    ['https://hook.example/?token=x', `https://hook.example/${REDACTED}`],
    ['https://hook.example/', 'https://hook.example/'],
    ['telegram://token@telegram?chats=1', `telegram://${REDACTED}`],
    ['not a url', REDACTED],
    ['', ''],
  ])('%s', (url, masked) => expect(maskUrl(url)).toBe(masked));
});

describe('keepsStored', () => {
  it('accepts the bare placeholder or the exact masked stored value only', () => {
    const stored = 'rest:http://u:pw@h/r';
    expect(keepsStored(`rest:http://u:${REDACTED}@h/r`, stored, maskUriPassword)).toBe(true);
    expect(keepsStored(REDACTED, stored, maskUriPassword)).toBe(true);
    expect(keepsStored(`rest:http://u:${REDACTED}@evil/r`, stored, maskUriPassword)).toBe(false);
    expect(keepsStored(REDACTED, '', maskUriPassword)).toBe(false);
  });
});
