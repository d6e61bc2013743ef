import { clone } from '@bufbuild/protobuf';
import { useQueryClient } from '@tanstack/react-query';
import { ConfigSchema } from '@restora/proto';
import type { Config } from '@restora/proto';
import { useClients } from './clients-context.js';
import { CONFIG_KEY } from './queries.js';

/** Applies a change to a copy of the cached config and saves it with SetConfig (modno-checked). */
export function useSaveConfig(): (mutate: (c: Config) => void) => Promise<Config> {
  const { backrest } = useClients();
  const qc = useQueryClient();
  return async (mutate) => {
    const current = qc.getQueryData<Config>(CONFIG_KEY) ?? (await backrest.getConfig({}));
    const next = clone(ConfigSchema, current);
    mutate(next);
    const saved = await backrest.setConfig(next);
    qc.setQueryData(CONFIG_KEY, saved);
    return saved;
  };
}
