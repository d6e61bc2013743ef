import { ResticError } from '../errors.js';

/** A second repository (source of `copy`, chunker params of `init`). Passed via RESTIC_FROM_* env. */
export interface FromRepository {
  repository: string;
  password?: string;
  passwordFile?: string;
  passwordCommand?: string;
}

export function fromRepoEnv(f: FromRepository): Record<string, string> {
  if (!f.repository)
    throw new ResticError({ code: 'invalid-argument', message: 'from.repository is required' });
  const n = [f.password, f.passwordFile, f.passwordCommand].filter((x) => x !== undefined).length;
  if (n !== 1) {
    throw new ResticError({
      code: 'invalid-argument',
      message: 'give exactly one of from.password, from.passwordFile, from.passwordCommand',
    });
  }
  const env: Record<string, string> = { RESTIC_FROM_REPOSITORY: f.repository };
  if (f.password !== undefined) env.RESTIC_FROM_PASSWORD = f.password;
  if (f.passwordFile !== undefined) env.RESTIC_FROM_PASSWORD_FILE = f.passwordFile;
  if (f.passwordCommand !== undefined) env.RESTIC_FROM_PASSWORD_COMMAND = f.passwordCommand;
  return env;
}
