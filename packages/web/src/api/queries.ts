import { create, toJsonString } from '@bufbuild/protobuf';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueryClient } from '@tanstack/react-query';
import { ConfigSchema, matchesOpSelector, OpSelectorSchema, OperationStatus } from '@restora/proto';
import type { Config, Operation, OperationEvent, OpSelector } from '@restora/proto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { useClients } from './clients-context.js';
import { mergeOps, removeOps } from '../lib/ops.js';
import { takePrefetched } from './prefetch.js';

export const CONFIG_KEY = ['config'] as const;

export function useConfig() {
  const { backrest } = useClients();
  return useQuery({
    queryKey: CONFIG_KEY,
    queryFn: async () => (await takePrefetched('GetConfig', ConfigSchema)) ?? backrest.getConfig({}),
  });
}

export function useSetConfigCache(): (c: Config) => void {
  const qc = useQueryClient();
  return (c) => qc.setQueryData(CONFIG_KEY, c);
}

type SelectorInit = MessageInitShape<typeof OpSelectorSchema>;

/** Operations matching a selector, kept live by GetOperationEvents (see applyOperationEvent). */
export function useOperations(init: SelectorInit, opts: { enabled?: boolean; lastN?: number } = {}) {
  const { backrest } = useClients();
  const selector = create(OpSelectorSchema, init);
  const key = toJsonString(OpSelectorSchema, selector);
  return useQuery({
    queryKey: ['ops', key, opts.lastN ?? 0],
    meta: { selector },
    enabled: opts.enabled ?? true,
    queryFn: async () =>
      (await backrest.getOperations({ selector, lastN: BigInt(opts.lastN ?? 0) })).operations,
  });
}

const TERMINAL = new Set([
  OperationStatus.STATUS_SUCCESS,
  OperationStatus.STATUS_ERROR,
  OperationStatus.STATUS_WARNING,
  OperationStatus.STATUS_USER_CANCELLED,
  OperationStatus.STATUS_SYSTEM_CANCELLED,
]);

let invalidateTimer: ReturnType<typeof setTimeout> | undefined;

/** Folds one stream event into every cached operation list whose selector it matches. */
export function applyOperationEvent(qc: QueryClient, ev: OperationEvent): void {
  const e = ev.event;
  let finished = false;
  for (const q of qc.getQueryCache().findAll({ queryKey: ['ops'] })) {
    const sel = q.meta?.selector as OpSelector | undefined;
    const data = q.state.data as Operation[] | undefined;
    if (!sel || !data) continue;
    if (e.case === 'createdOperations' || e.case === 'updatedOperations') {
      const ops = e.value.operations.filter((o) => matchesOpSelector(o, sel));
      if (ops.length) qc.setQueryData(q.queryKey, mergeOps(data, ops));
    } else if (e.case === 'deletedOperations') {
      qc.setQueryData(q.queryKey, removeOps(data, e.value.values));
    }
  }
  if (e.case === 'createdOperations' || e.case === 'updatedOperations') {
    finished = e.value.operations.some((o) => TERMINAL.has(o.status));
  }
  if (finished || e.case === 'deletedOperations') {
    // Summaries and snapshot lists derive from finished ops: refresh them once the burst settles.
    clearTimeout(invalidateTimer);
    invalidateTimer = setTimeout(() => {
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
      void qc.invalidateQueries({ queryKey: ['snapshots'] });
    }, 500);
  }
}
