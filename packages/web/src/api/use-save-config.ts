import { clone } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { useQueryClient } from '@tanstack/react-query';
import { ConfigSchema } from '@restora/proto';
import type { Config } from '@restora/proto';
import { useClients } from './clients-context.js';
import { CONFIG_KEY } from './queries.js';

export const STALE_CONFIG_MESSAGE =
  'The configuration was changed elsewhere (another tab, the CLI or a peer) since this page loaded, so nothing was saved. The page now shows the current configuration: check your change and save again.';

/** SetConfig refused the save because the config it was based on is no longer the current one (modno). */
export function isStaleConfigError(err: unknown): boolean {
  const e = ConnectError.from(err);
  return e.code === Code.FailedPrecondition && /modno/i.test(e.rawMessage);
}

/** Applies a change to a copy of the cached config and saves it with SetConfig (modno-checked). */
export function useSaveConfig(): (mutate: (c: Config) => void) => Promise<Config> {
  const { backrest } = useClients();
  const qc = useQueryClient();
  return async (mutate) => {
    const current = qc.getQueryData<Config>(CONFIG_KEY) ?? (await backrest.getConfig({}));
    const next = clone(ConfigSchema, current);
    mutate(next);
    try {
      const saved = await backrest.setConfig(next);
      qc.setQueryData(CONFIG_KEY, saved);
      return saved;
    } catch (err) {
      if (!isStaleConfigError(err)) throw err;
      // not retried with the change: the other edit may be what the user must see first
      qc.setQueryData(CONFIG_KEY, await backrest.getConfig({}));
      throw new Error(STALE_CONFIG_MESSAGE);
    }
  };
}
