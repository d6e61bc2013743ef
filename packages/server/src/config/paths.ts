// Where config.json and the data dir live: flag, then RESTORA_* env, then XDG, then ~/.config / ~/.local/share.
import os from 'node:os';
import path from 'node:path';
import type { ResolvedPaths, ResolvePathsOptions } from './types.js';

export function resolvePaths(options: ResolvePathsOptions = {}): ResolvedPaths {
  const env = options.env ?? process.env;
  const home = options.homeDir ?? os.homedir();
  const nonEmpty = (v: string | undefined) => (v && v.trim() !== '' ? v : undefined);
  const configFile =
    nonEmpty(options.configFile) ??
    nonEmpty(env.RESTORA_CONFIG) ??
    path.join(nonEmpty(env.XDG_CONFIG_HOME) ?? path.join(home, '.config'), 'restora', 'config.json');
  const dataDir =
    nonEmpty(options.dataDir) ??
    nonEmpty(env.RESTORA_DATA) ??
    path.join(nonEmpty(env.XDG_DATA_HOME) ?? path.join(home, '.local', 'share'), 'restora');
  return { configFile: path.resolve(configFile), dataDir: path.resolve(dataDir) };
}

/** Files inside the data dir. */
export function dataPaths(dataDir: string) {
  return {
    oplog: path.join(dataDir, 'oplog.sqlite'),
    taskLogs: path.join(dataDir, 'tasklogs'),
  };
}
