// `restora serve` key options: --secret-key-file / RESTORA_SECRET_KEY_FILE, RESTORA_SECRET_KEY taken out of env.
import { describe, expect, it } from 'vitest';
import { parseServeOptions } from '../main.js';

const env = { HOME: '/home/u' };

describe('parseServeOptions: secret key', () => {
  it('defaults to the data dir key file (no source given)', () => {
    expect(parseServeOptions({}, { ...env }).secretKey).toEqual({});
  });

  it('takes a key file from the flag (winning over the variable), resolved to an absolute path', () => {
    expect(
      parseServeOptions({}, { ...env, RESTORA_SECRET_KEY_FILE: '/run/credentials/r/key' }).secretKey,
    ).toEqual({ file: '/run/credentials/r/key' });
    expect(
      parseServeOptions({ secretKeyFile: 'rel/key' }, { ...env, RESTORA_SECRET_KEY_FILE: '/other' })
        .secretKey,
    ).toEqual({ file: `${process.cwd()}/rel/key` });
  });

  it('takes RESTORA_SECRET_KEY and removes it from the environment children inherit', () => {
    const e: NodeJS.ProcessEnv = { ...env, RESTORA_SECRET_KEY: 'a2V5' };
    expect(parseServeOptions({}, e).secretKey).toEqual({ value: 'a2V5' });
    expect('RESTORA_SECRET_KEY' in e).toBe(false);
  });
});
