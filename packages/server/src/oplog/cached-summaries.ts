// Whole summary rows of the requested plans or repos, reused until their group's generation changes: a row depends
// only on its group's ops and on the window, so a dashboard poll rebuilds just the groups written since the last.
// The same (frozen) row object comes back while it is unchanged, so callers can memoise what they derive from it.
import type { Statement } from 'better-sqlite3';
import { dayRanges, DEFAULT_WINDOW_MS, localDayStart } from './summaries.js';
import type { SummaryCache } from './summary-cache.js';
import type { SummaryOptions, SummaryRow } from './types.js';

/** For `opts.ids` with local days only; `build` computes rows for the ids it is given. */
export function cachedSummaries(
  cache: SummaryCache,
  prepare: (sql: string) => Statement,
  opts: SummaryOptions & { ids: readonly string[] },
  build: (o: SummaryOptions) => SummaryRow[],
): SummaryRow[] {
  const nowMs = opts.nowMs ?? Date.now();
  const days = dayRanges(nowMs, opts.windowMs ?? DEFAULT_WINDOW_MS, localDayStart);
  const gen = cache.gens(prepare);
  const grp = (id: string) => `${opts.groupBy === 'plan' ? 'p' : 'r'}:${id}`;
  const window = `${days[0]?.[0]}\0${days.length}\0${opts.instanceId ?? '\0'}\0${opts.recentLimit ?? 60}`;
  const key = (id: string) => `row\0${grp(id)}\0${window}`;
  const rows = new Map<string, SummaryRow>();
  const missing: string[] = [];
  for (const id of new Set(opts.ids)) {
    const hit = cache.peek<SummaryRow>(key(id), gen(grp(id)));
    if (hit) rows.set(id, hit);
    else missing.push(id);
  }
  if (missing.length) {
    for (const row of build({ ...opts, nowMs, ids: missing })) {
      cache.put(key(row.id), gen(grp(row.id)), freezeRow(row));
      rows.set(row.id, row);
    }
  }
  return [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Shared between calls, so frozen: a caller that changes a row gets a TypeError, not a corrupted cache. */
function freezeRow(r: SummaryRow): SummaryRow {
  r.recent.forEach((b) => Object.freeze(b));
  r.days.forEach(
    (d) => (d.statusCounts.forEach((c) => Object.freeze(c)), Object.freeze(d.statusCounts), Object.freeze(d)),
  );
  Object.freeze(r.recent);
  Object.freeze(r.days);
  return Object.freeze(r);
}
