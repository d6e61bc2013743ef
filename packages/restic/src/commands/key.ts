import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Args, requireNoDash, requireString } from '../args.js';
import type { ResticContext } from '../context.js';
import { ResticError } from '../errors.js';
import type { CallOptions } from '../options.js';
import { parseJsonDocument } from '../parse/json.js';
import type { KeyInfo } from '../types.js';

export interface NewPassword {
  /** The new password (written to a private temp file for restic, removed afterwards). */
  newPassword?: string;
  /** File holding the new password. */
  newPasswordFile?: string;
}

export interface KeyAddOptions extends CallOptions, NewPassword {
  host?: string;
  user?: string;
}

/** Runs `fn` with a password file path, creating a 0600 temp file for an inline password. */
async function withPasswordFile<T>(p: NewPassword, fn: (file: string) => Promise<T>): Promise<T> {
  if ((p.newPassword === undefined) === (p.newPasswordFile === undefined)) {
    throw new ResticError({
      code: 'invalid-argument',
      message: 'give exactly one of newPassword, newPasswordFile',
    });
  }
  if (p.newPasswordFile !== undefined) return fn(p.newPasswordFile);
  if (p.newPassword === '')
    throw new ResticError({ code: 'invalid-argument', message: 'newPassword must not be empty' });
  const dir = await mkdtemp(join(tmpdir(), 'restic-pw-'));
  try {
    const file = join(dir, 'password');
    await writeFile(file, p.newPassword ?? '', { mode: 0o600 });
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function keyCommands(ctx: ResticContext) {
  /** Keys of the repository (ids are 8 chars before restic 0.17). */
  const list = async (o: CallOptions = {}): Promise<KeyInfo[]> => {
    const doc = parseJsonDocument((await ctx.exec(['key', 'list', '--json'], o)).stdout);
    return Array.isArray(doc) ? (doc as KeyInfo[]) : [];
  };
  return {
    list,
    add: (o: KeyAddOptions): Promise<string | undefined> =>
      withPasswordFile(o, async (file) => {
        const before = new Set((await list(o)).map((k) => k.id));
        const { stdout } = await ctx.exec(
          new Args('key', 'add', '--new-password-file', file).value('--host', o.host).value('--user', o.user)
            .list,
          o,
        );
        const printed = /saved new key with ID (\w+)/.exec(stdout)?.[1];
        if (printed) return printed;
        const added = (await list(o)).filter((k) => !before.has(k.id));
        return added.length === 1 ? added[0]!.id : undefined;
      }),
    remove: async (id: string, o: CallOptions = {}): Promise<void> => {
      requireString('key id', id);
      requireNoDash('key id', id);
      await ctx.exec(['key', 'remove', '--', id], o);
    },
    /** Changes the current key's password. Update this instance's password afterwards. */
    passwd: (o: CallOptions & NewPassword): Promise<void> =>
      withPasswordFile(o, async (file) => {
        await ctx.exec(['key', 'passwd', '--new-password-file', file], o);
      }),
  };
}

export type KeyCommands = ReturnType<typeof keyCommands>;
