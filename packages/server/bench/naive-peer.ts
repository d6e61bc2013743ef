// The peer: Backrest-style access — every op is a protobuf blob, every query decodes them all and filters in JS.
import type { Database } from 'better-sqlite3';
import { fromBinary } from '@bufbuild/protobuf';
import { OperationSchema, OperationStatus, type Operation } from '@restora/proto';

export class NaiveOpLog {
  constructor(private readonly db: Database) {}

  private *all(): Generator<Operation> {
    for (const row of this.db.prepare('SELECT data FROM operations ORDER BY id').iterate() as Iterable<{
      data: Buffer;
    }>) {
      yield fromBinary(OperationSchema, row.data);
    }
  }

  lastNByPlan(planId: string, n: number): Operation[] {
    const found: Operation[] = [];
    for (const op of this.all()) if (op.planId === planId) found.push(op);
    found.sort((a, b) => Number(b.unixTimeStartMs - a.unixTimeStartMs) || Number(b.id - a.id));
    return found.slice(0, n).sort((a, b) => Number(a.id - b.id));
  }

  dashboard(instanceId: string, nowMs: number): number {
    const since = BigInt(nowMs - 30 * 24 * 3600 * 1000);
    const perPlan = new Map<string, { ok: number; bad: number; added: bigint; snaps: number }>();
    const perRepo = new Map<string, { ok: number; bad: number; added: bigint; snaps: number }>();
    const bump = (m: typeof perPlan, k: string) => {
      let v = m.get(k);
      if (!v) m.set(k, (v = { ok: 0, bad: 0, added: 0n, snaps: 0 }));
      return v;
    };
    for (const op of this.all()) {
      if (op.instanceId !== instanceId) continue;
      if (op.op.case === 'operationIndexSnapshot' && !op.op.value.forgot) {
        bump(perPlan, op.planId).snaps++;
        bump(perRepo, op.repoId).snaps++;
      }
      if (op.op.case !== 'operationBackup' || op.unixTimeStartMs < since) continue;
      const e = op.op.value.lastStatus?.entry;
      const added = e?.case === 'summary' ? e.value.dataAdded : 0n;
      for (const v of [bump(perPlan, op.planId), bump(perRepo, op.repoId)]) {
        if (op.status === OperationStatus.STATUS_ERROR) v.bad++;
        else v.ok++;
        v.added += added;
      }
    }
    return perPlan.size + perRepo.size;
  }

  /** Backrest's startup scrub: decode everything to find unfinished ops. */
  unfinished(): number {
    let n = 0;
    for (const op of this.all()) {
      if (op.status === OperationStatus.STATUS_INPROGRESS || op.status === OperationStatus.STATUS_PENDING)
        n++;
    }
    return n;
  }
}
