import { create } from '@bufbuild/protobuf';
import { RepoSchema } from '@restora/proto';
import { describe, expect, it } from 'vitest';
import { RepositoryConfig } from './repository-config.js';
import {
  compressionOf,
  deriveBackend,
  mergeBackend,
  redactBackend,
  toRepoParts,
  withCompression,
} from './backend.js';
import { shortIdOf, slugId, uuidOf } from './ids.js';

const parse = (v: unknown) => RepositoryConfig.parse(v);

describe('backend config → restic uri/env/flags', () => {
  it.each([
    [{ type: 'local', path: '/srv/r' }, '/srv/r', []],
    [
      {
        type: 's3',
        endpoint: 's3.amazonaws.com',
        bucket: 'b',
        region: 'eu-west-1',
        accessKeyId: 'AK',
        secretAccessKey: 'SK',
      },
      's3:s3.amazonaws.com/b',
      ['AWS_ACCESS_KEY_ID=AK', 'AWS_SECRET_ACCESS_KEY=SK', 'AWS_DEFAULT_REGION=eu-west-1'],
    ],
    [
      {
        backend: 'r2',
        endpoint: 'acc.r2.cloudflarestorage.com/',
        bucket: 'b',
        accessKeyId: 'AK',
        secretAccessKey: 'SK',
      },
      's3:acc.r2.cloudflarestorage.com/b',
      ['AWS_ACCESS_KEY_ID=AK', 'AWS_SECRET_ACCESS_KEY=SK', 'AWS_REGION=auto'],
    ],
    [
      { type: 'azure', container: 'c', accountName: 'n', accountKey: 'k' },
      'azure:c:/',
      ['AZURE_ACCOUNT_NAME=n', 'AZURE_ACCOUNT_KEY=k'],
    ],
    [{ type: 'rclone', remote: 'gd', path: 'backups/x' }, 'rclone:gd:backups/x', []],
    [
      { type: 'rest', url: 'http://h:8000/', path: '/user', username: 'u', password: 'p' },
      'rest:http://h:8000/user',
      ['RESTIC_REST_USERNAME=u', 'RESTIC_REST_PASSWORD=p'],
    ],
  ])('%j', (cfg, uri, env) => {
    const parts = toRepoParts(parse(cfg), '/secrets', 'r1');
    expect(parts.uri).toBe(uri);
    expect(parts.env).toEqual(env);
  });

  it('writes gcs credentials and sftp keys to per-repo files, never into flags or env values', () => {
    const gcs = toRepoParts(
      parse({ type: 'gcs', bucket: 'b', projectId: 'p', credentials: { k: 1 } }),
      '/s',
      'g',
    );
    expect(gcs.uri).toBe('gs:b:/');
    expect(gcs.env).toContain('GOOGLE_APPLICATION_CREDENTIALS=/s/g.gcs.json');
    expect(gcs.files).toEqual([{ path: '/s/g.gcs.json', content: '{"k":1}' }]);
    const sftp = toRepoParts(
      parse({
        type: 'sftp',
        host: 'h',
        port: '2222',
        user: 'u',
        path: '/r',
        privateKey: 'KEY',
        skipHostKeyCheck: true,
      }),
      '/s',
      'x',
    );
    expect(sftp.uri).toBe('sftp:u@h:/r');
    expect(sftp.flags[0]).toContain('sftp.args=-i /s/x.ssh.key -p 2222');
    expect(sftp.flags[0]).toContain('StrictHostKeyChecking=no');
    expect(sftp.flags.join(' ')).not.toContain('KEY ');
    expect(() =>
      toRepoParts(
        parse({ type: 'sftp', host: 'h', user: 'u', path: '/r', privateKey: 'Proc-Type: 4,ENCRYPTED' }),
        '/s',
        'x',
      ),
    ).toThrow(/config.privateKey/);
  });

  it('maps TLS options and bandwidth limits to global flags', () => {
    const p = toRepoParts(
      parse({
        type: 'local',
        path: '/r',
        insecureTls: true,
        uploadLimit: { enabled: true, value: 8, unit: 'Mbps' },
        downloadLimit: { enabled: false, value: 1, unit: 'Gbps' },
      }),
      '/s',
      'x',
    );
    expect(p.flags).toEqual(['--insecure-tls', '--limit-upload 977']);
  });

  it('redacts secrets, keeps stored values for REDACTED, and derives configs for repos made elsewhere', () => {
    const stored = {
      backend: 's3',
      bucket: 'b',
      endpoint: 'e',
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      customPassword: 'pw',
    };
    expect(redactBackend(stored)).toEqual({
      ...stored,
      accessKeyId: '********',
      secretAccessKey: '********',
      customPassword: '********',
    });
    expect(mergeBackend(stored, { bucket: 'b2', secretAccessKey: '********' })).toEqual({
      ...stored,
      bucket: 'b2',
    });
    const rest = { backend: 'rest', url: 'http://bob:URL-PW@nas:8000/' };
    const shown = redactBackend(rest);
    expect(shown).toEqual({ backend: 'rest', url: 'http://bob:********@nas:8000/' });
    expect(mergeBackend(rest, shown)).toEqual(rest);
    expect(() => mergeBackend(rest, { url: 'http://bob:********@evil:8000/' })).toThrow(/config\.url/);
    expect(redactBackend(deriveBackend(create(RepoSchema, { uri: 'rest:http://u:DERIVED@h/' })))).toEqual({
      backend: 'rest',
      url: 'http://u:********@h/',
    });
    const repo = create(RepoSchema, {
      id: 'x',
      uri: 's3:minio:9000/bkt',
      env: ['AWS_ACCESS_KEY_ID=A', 'AWS_SECRET_ACCESS_KEY=S'],
    });
    expect(deriveBackend(repo)).toMatchObject({
      backend: 's3',
      endpoint: 'minio:9000',
      bucket: 'bkt',
      accessKeyId: 'A',
    });
    expect(deriveBackend(create(RepoSchema, { uri: '/plain/path' }))).toEqual({
      backend: 'local',
      path: '/plain/path',
    });
    expect(deriveBackend(create(RepoSchema, { uri: 'sftp:me@host:/r' }))).toMatchObject({
      backend: 'sftp',
      user: 'me',
      host: 'host',
      path: '/r',
    });
  });

  it('keeps compression in the repo flags', () => {
    const flags = withCompression(['--insecure-tls', '--compression=off'], 'max');
    expect(flags).toEqual(['--insecure-tls', '--compression=max']);
    expect(compressionOf(create(RepoSchema, { flags }))).toBe('max');
    expect(withCompression(flags, null)).toEqual(['--insecure-tls']);
  });
});

describe('ids', () => {
  it('derives stable 8-char short ids and UUID-shaped ids, and unique slugs', () => {
    expect(shortIdOf('repo', 'a')).toMatch(/^[\w-]{8}$/);
    expect(shortIdOf('repo', 'a')).toBe(shortIdOf('repo', 'a'));
    expect(shortIdOf('repo', 'a')).not.toBe(shortIdOf('plan', 'a'));
    expect(uuidOf('repo', 'a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const taken = new Set(['s3-backup-repository']);
    expect(slugId('S3 Backup Repository', (id) => taken.has(id))).toBe('s3-backup-repository-2');
    expect(slugId('!!!', () => false)).toBe('repository');
  });
});
