// Backrest's operation-history GC rules (taskcollectgarbage.go), as a pure function over indexed columns.
import { OperationStatus } from '@restora/proto';
import { KIND_CODES } from './columns.js';
import type { GcResult } from './types.js';

export interface GcRow {
  id: number;
  flow_id: number;
  kind: number;
  status: number;
  repo_id: string;
  repo_guid: string;
  plan_id: string;
  instance_id: string;
  original_instance_keyid: string;
  start_ms: number;
  forgot: number;
}

interface Limits {
  maxAgeMs: number;
  keepMin: number;
  keepMax: number;
}

const DAY = 24 * 3600 * 1000;
const DEFAULT_LIMITS: Limits = { maxAgeMs: 30 * DAY, keepMin: 1, keepMax: 100 };
// Contract §6: stats 365 d / 100, check 365 d / 12, prune 365 d / 12, forget 30 d / 30, others 30 d / 100.
export const GC_LIMITS: ReadonlyMap<number, Limits> = new Map([
  [KIND_CODES.operationStats, { maxAgeMs: 365 * DAY, keepMin: 1, keepMax: 100 }],
  [KIND_CODES.operationCheck, { maxAgeMs: 365 * DAY, keepMin: 1, keepMax: 12 }],
  [KIND_CODES.operationPrune, { maxAgeMs: 365 * DAY, keepMin: 1, keepMax: 12 }],
  [KIND_CODES.operationForget, { maxAgeMs: 30 * DAY, keepMin: 1, keepMax: 30 }],
]);

const UNFINISHED = new Set<number>([OperationStatus.STATUS_PENDING, OperationStatus.STATUS_INPROGRESS]);

/**
 * Rows may come in any order; groups are walked newest first by (start time, id). Flows holding an index-snapshot op are kept while the
 * snapshot is not forgotten and deleted once it is; other ops are grouped by (repo, guid, plan, instance, kind)
 * and trimmed by age/count, always keeping the newest `keepMin`. Unfinished ops are never collected.
 */
export function planGc(
  rows: readonly GcRow[],
  nowMs: number,
  knownPeerKeyids?: ReadonlySet<string>,
): Omit<GcResult, 'deletedIds'> & { ids: number[] } {
  const forgottenByFlow = new Map<number, boolean>();
  rows = [...rows].sort((a, b) => b.start_ms - a.start_ms || b.id - a.id);
  for (const r of [...rows].reverse()) {
    if (r.kind === KIND_CODES.operationIndexSnapshot) forgottenByFlow.set(r.flow_id, r.forgot === 1);
  }
  const ids: number[] = [];
  const byReason = { forgottenSnapshot: 0, maxAge: 0, maxCount: 0, unknownPeer: 0 };
  const groups = new Map<string, { keepMin: number; keepMax: number; maxAgeMs: number }>();
  for (const r of rows) {
    if (UNFINISHED.has(r.status)) continue;
    if (r.original_instance_keyid && knownPeerKeyids && !knownPeerKeyids.has(r.original_instance_keyid)) {
      ids.push(r.id);
      byReason.unknownPeer++;
      continue;
    }
    const forgot = forgottenByFlow.get(r.flow_id);
    if (forgot !== undefined) {
      if (forgot) {
        ids.push(r.id);
        byReason.forgottenSnapshot++;
      }
      continue;
    }
    const key = `${r.repo_id}\0${r.repo_guid}\0${r.plan_id}\0${r.instance_id}\0${r.kind}`;
    let st = groups.get(key);
    if (!st) {
      st = { ...(GC_LIMITS.get(r.kind) ?? DEFAULT_LIMITS) };
      groups.set(key, st);
    }
    st.keepMax--;
    st.keepMin--;
    if (st.keepMin >= 0) continue;
    if (st.keepMax < 0) {
      ids.push(r.id);
      byReason.maxCount++;
    } else if (nowMs - r.start_ms > st.maxAgeMs) {
      ids.push(r.id);
      byReason.maxAge++;
    }
  }
  return { ids, byReason };
}
