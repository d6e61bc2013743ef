import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinary } from './binary.js';
import { ResticError } from './errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restic-bin-'));
  await writeFile(join(dir, 'restic'), '#!/bin/sh\n');
  await chmod(join(dir, 'restic'), 0o755);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('resolveBinary', () => {
  it('prefers the explicit path, then RESTIC, then PATH', async () => {
    const fake = join(dir, 'restic');
    expect(await resolveBinary(fake, {})).toBe(fake);
    expect(await resolveBinary(undefined, { RESTIC: fake })).toBe(fake);
    expect(await resolveBinary(undefined, { PATH: `/nonexistent:${dir}` })).toBe(fake);
  });

  it('names how to install restic when nothing is found', async () => {
    const err = await resolveBinary(undefined, { PATH: '/nonexistent' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResticError);
    expect((err as ResticError).code).toBe('not-installed');
    expect((err as ResticError).message).toMatch(/apt-get install restic/);
  });

  it('rejects an explicit path that is not executable', async () => {
    await expect(resolveBinary(join(dir, 'missing'), {})).rejects.toMatchObject({ code: 'not-installed' });
  });
});
