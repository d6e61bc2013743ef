// Validates an OpSelector and turns it into SQL (SQLite store) or a predicate (memory store).
import { OP_SELECTOR_IDS_ALONE, type Operation } from '@restora/proto';
import { InvalidArgumentError } from '../errors.js';
import { columnsOf, kindCode, type OpColumns } from './columns.js';
import type { OpSelector } from './types.js';

export function checkSelector(sel: OpSelector): void {
  if (sel.ids && sel.ids.length > 0) {
    const others = Object.entries(sel).filter(([k, v]) => k !== 'ids' && v !== undefined);
    if (others.length > 0) throw new InvalidArgumentError(OP_SELECTOR_IDS_ALONE);
  }
}

export interface SqlWhere {
  sql: string;
  params: (string | number)[];
}

const STRING_FIELDS = [
  ['instanceId', 'instance_id'],
  ['originalInstanceKeyid', 'original_instance_keyid'],
  ['repoGuid', 'repo_guid'],
  ['repoId', 'repo_id'],
  ['planId', 'plan_id'],
  ['snapshotId', 'snapshot_id'],
] as const;

export function selectorToSql(sel: OpSelector): SqlWhere {
  checkSelector(sel);
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (sel.ids) {
    parts.push(sel.ids.length ? `id IN (${sel.ids.map(() => '?').join(',')})` : '0');
    params.push(...sel.ids.map(Number));
  }
  for (const [key, col] of STRING_FIELDS) {
    const v = sel[key];
    if (v !== undefined) {
      parts.push(`${col} = ?`);
      params.push(v);
    }
  }
  if (sel.flowId !== undefined) {
    parts.push('flow_id = ?');
    params.push(Number(sel.flowId));
  }
  if (sel.modnoGte !== undefined) {
    parts.push('modno >= ?');
    params.push(Number(sel.modnoGte));
  }
  if (sel.statuses) {
    parts.push(sel.statuses.length ? `status IN (${sel.statuses.map(() => '?').join(',')})` : '0');
    params.push(...sel.statuses);
  }
  if (sel.kinds) {
    parts.push(sel.kinds.length ? `kind IN (${sel.kinds.map(() => '?').join(',')})` : '0');
    params.push(...sel.kinds.map((k) => kindCode(k)));
  }
  if (sel.startFromMs !== undefined) {
    parts.push('start_ms >= ?');
    params.push(sel.startFromMs);
  }
  if (sel.startBeforeMs !== undefined) {
    parts.push('start_ms < ?');
    params.push(sel.startBeforeMs);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

export function columnsMatch(c: OpColumns, sel: OpSelector): boolean {
  if (sel.ids && !sel.ids.some((id) => Number(id) === c.id)) return false;
  for (const [key, col] of STRING_FIELDS) {
    const v = sel[key];
    if (v !== undefined && c[col] !== v) return false;
  }
  if (sel.flowId !== undefined && c.flow_id !== Number(sel.flowId)) return false;
  if (sel.modnoGte !== undefined && c.modno < Number(sel.modnoGte)) return false;
  if (sel.statuses && !sel.statuses.includes(c.status)) return false;
  if (sel.kinds && !sel.kinds.some((k) => kindCode(k) === c.kind)) return false;
  if (sel.startFromMs !== undefined && c.start_ms < sel.startFromMs) return false;
  if (sel.startBeforeMs !== undefined && c.start_ms >= sel.startBeforeMs) return false;
  return true;
}

export function opMatches(op: Operation, sel: OpSelector): boolean {
  return columnsMatch(columnsOf(op), sel);
}
