import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Restic } from './restic.js';
import { ResticError } from './errors.js';

// A fake restic: `version` answers like 0.14; every other call prints its argv and RESTIC_* env as JSON,
// or misbehaves on request (FAKE_MODE) so cancellation and bounded stderr can be tested deterministically.
const FAKE = `#!/usr/bin/env node
const args = process.argv.slice(2);
const mode = process.env.FAKE_MODE || '';
if (args.includes('version')) { console.log('restic 0.14.0 compiled with go1.19.8 on linux/amd64'); process.exit(0); }
if (mode === 'ignore-sigint') { process.on('SIGINT', () => {}); console.log('{"message_type":"status","percent_done":0}'); setInterval(() => {}, 1000); }
else if (mode === 'stderr-flood') { process.stderr.write(('x'.repeat(99) + '\\n').repeat(5000)); console.log('[]'); }
else if (mode === 'exit3') { console.log('{"message_type":"summary","files_new":1,"total_duration":0.1,"snapshot_id":"${'a'.repeat(64)}"}'); process.stderr.write('{"message_type":"error","error":{"Op":"open","Path":"/x","Err":13},"during":"archival","item":"/x"}\\n'); process.exit(3); }
else {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('RESTIC_')));
  console.log(JSON.stringify({ args, env }));
}
`;

let dir: string;
let fake: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restic-fake-'));
  fake = join(dir, 'restic');
  await writeFile(fake, FAKE);
  await chmod(fake, 0o755);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function make(extra: ConstructorParameters<typeof Restic>[0] = {}): Restic {
  return new Restic({
    repository: 'rest:https://u:urlsecret@h/r',
    password: 'pw-123',
    binaryPath: fake,
    ...extra,
  });
}

describe('Restic with a fake binary', () => {
  it('passes repository and password through env only, global flags through argv', async () => {
    const r = make({ options: { 'rest.connections': 8 }, limitUpload: 100, cacheDir: '/c' });
    const out = JSON.parse((await r.run(['snapshots'])).stdout) as {
      args: string[];
      env: Record<string, string>;
    };
    expect(out.args).toEqual(['-o', 'rest.connections=8', '--limit-upload', '100', 'snapshots']);
    expect(out.env.RESTIC_REPOSITORY).toBe('rest:https://u:urlsecret@h/r');
    expect(out.env.RESTIC_PASSWORD).toBe('pw-123');
    expect(out.env.RESTIC_CACHE_DIR).toBe('/c');
    expect(out.args.join(' ')).not.toContain('pw-123');
  });

  it('passes every repository syntax through unchanged', async () => {
    const repos = [
      '/srv/repo',
      'local:/srv/repo',
      'rest:https://user:pass@host:8000/my_repo/',
      'sftp:user@host:/srv/restic-repo',
      's3:s3.amazonaws.com/bucket/prefix',
      'rclone:remote:path',
      'b2:bucket:path',
    ];
    for (const repository of repos) {
      const out = JSON.parse((await make({ repository }).run(['snapshots'])).stdout) as {
        env: Record<string, string>;
      };
      expect(out.env.RESTIC_REPOSITORY).toBe(repository);
    }
  });

  it('builds resticpy-shaped argv for backup and forget', async () => {
    const env = { FAKE_MODE: '' };
    const res = await make()
      .run(['backup'], { env })
      .then((r) => JSON.parse(r.stdout) as { args: string[] });
    expect(res.args).toEqual(['backup']);
    const { forgetArgs } = await import('./commands/forget.js');
    expect(
      forgetArgs({
        keepDaily: 7,
        keepWithin: '1y2m',
        tags: ['a', ['b', 'c']],
        groupBy: ['host', 'paths'],
        prune: true,
      }),
    ).toEqual([
      'forget',
      '--json',
      '--keep-daily',
      '7',
      '--keep-within',
      '1y2m',
      '--tag',
      'a',
      '--tag',
      'b,c',
      '--group-by',
      'host,paths',
      '--prune',
    ]);
  });

  it('keeps the summary and errors on exit code 3', async () => {
    const res = await make().backup({ paths: ['/x'], env: { FAKE_MODE: 'exit3' } });
    expect(res.incomplete).toBe(true);
    expect(res.filesNew).toBe(1);
    expect(res.errors[0]?.message).toBe('open /x: permission denied');
  });

  it('sends SIGKILL when restic ignores SIGINT for the grace period', async () => {
    const ac = new AbortController();
    const r = make({ cancelGraceMs: 200 });
    const started = Date.now();
    const p = r.backup({
      paths: ['/x'],
      signal: ac.signal,
      env: { FAKE_MODE: 'ignore-sigint' },
      onProgress: () => ac.abort(),
    });
    const err = (await p.catch((e: unknown) => e)) as ResticError;
    expect(err).toBeInstanceOf(ResticError);
    expect(err.code).toBe('interrupted');
    expect(err.message).toMatch(/killed/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('drains a stderr flood into a bounded tail', async () => {
    const res = await make().run(['snapshots'], { env: { FAKE_MODE: 'stderr-flood' } });
    expect(res.stdout.trim()).toBe('[]');
    expect(res.stderr.length).toBeLessThanOrEqual(16 * 1024);
  });

  it('redacts URL credentials and the password in error commands', async () => {
    const err = (await make()
      .run(['cat', 'config', 'rest:https://u:urlsecret@h/x', 'pw-123'], { env: { FAKE_MODE: 'exit3' } })
      .catch((e: unknown) => e)) as ResticError;
    expect(err.code).toBe('incomplete-backup');
    expect(err.command).not.toContain('urlsecret');
    expect(err.command).not.toContain('pw-123');
  });
});
