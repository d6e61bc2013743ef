// A realistic operation history: many repos and plans, hourly backups with summaries, their index-snapshot,
// hook and forget ops in the same flow, plus repo-level prune/check/stats, a peer's ops and a few unfinished ones.
import { OperationStatus, type Operation } from '@restora/proto';
import { backupOp, indexSnapshotOp, kindOp } from '../src/oplog/test-ops.js';

export const REPOS = 10;
export const PLANS_PER_REPO = 5;
export const INSTANCE = 'bench-host';
const HOUR = 3600 * 1000;

export const repoId = (r: number) => `repo-${r}`;
export const planId = (r: number, p: number) => `plan-${r}-${p}`;
export const allPlans = () =>
  Array.from({ length: REPOS }, (_, r) =>
    Array.from({ length: PLANS_PER_REPO }, (_, p) => planId(r, p)),
  ).flat();
export const allRepos = () => Array.from({ length: REPOS }, (_, r) => repoId(r));

/** Deterministic PRNG so every run inserts the same data. */
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** Yields batches of ops until `total` ops have been produced; flows arrive oldest first, as in real life. */
export function* generate(total: number, nowMs: number, batch = 5000): Generator<Operation[]> {
  const rand = rng(42);
  const plans = REPOS * PLANS_PER_REPO;
  const flowsNeeded = Math.ceil(total / 2.9);
  const hours = Math.ceil(flowsNeeded / plans);
  let produced = 0;
  let buf: Operation[] = [];
  const push = (op: Operation) => {
    if (produced >= total) return;
    buf.push(op);
    produced++;
  };
  let nextId = 1n;
  for (let h = hours; h > 0 && produced < total; h--) {
    for (let r = 0; r < REPOS; r++) {
      for (let p = 0; p < PLANS_PER_REPO; p++) {
        const start = nowMs - h * HOUR + p * 60_000;
        const roll = rand();
        const status =
          roll < 0.03
            ? OperationStatus.STATUS_ERROR
            : roll < 0.05
              ? OperationStatus.STATUS_WARNING
              : OperationStatus.STATUS_SUCCESS;
        const common = {
          repoId: repoId(r),
          planId: planId(r, p),
          instanceId: r === 9 ? 'peer-host' : INSTANCE,
        };
        const flowId = nextId;
        const snap =
          status === OperationStatus.STATUS_ERROR ? '' : (flowId.toString(16) + 'f'.repeat(64)).slice(0, 64);
        const b = backupOp({
          ...common,
          status,
          startMs: start,
          endMs: start + 30_000 + Math.floor(rand() * 300_000),
          snapshotId: snap,
          bytesAdded: Math.floor(rand() * 50_000_000),
          bytesScanned: 10_000_000_000 + Math.floor(rand() * 1e9),
          files: 200,
        });
        b.id = nextId++;
        b.flowId = flowId;
        b.logref = `t-${flowId}`;
        push(b);
        if (snap) {
          const ix = indexSnapshotOp({
            ...common,
            snapshotId: snap,
            startMs: start,
            flowId,
            forgot: rand() < 0.3,
          });
          ix.id = nextId++;
          push(ix);
        }
        if (rand() < 0.5) {
          const hook = kindOp('operationRunHook', { ...common, startMs: start, flowId });
          hook.id = nextId++;
          push(hook);
        }
        if (snap && rand() < 0.35) {
          const f = kindOp('operationForget', { ...common, startMs: start + 400_000, flowId });
          f.id = nextId++;
          push(f);
        }
      }
      if (h % 24 === 0) {
        for (const kind of ['operationPrune', 'operationCheck', 'operationStats'] as const) {
          const op = kindOp(kind, {
            repoId: repoId(r),
            planId: '_system_',
            instanceId: INSTANCE,
            startMs: nowMs - h * HOUR,
          });
          op.id = nextId++;
          push(op);
        }
      }
      if (buf.length >= batch) {
        yield buf;
        buf = [];
      }
    }
  }
  // A crash left a few ops in progress and some queued.
  for (let i = 0; i < 60 && buf.length; i++) {
    const op = buf[buf.length - 1 - i]!;
    if (op.op.case === 'operationBackup' && op.instanceId === INSTANCE) {
      op.status = i < 5 ? OperationStatus.STATUS_INPROGRESS : OperationStatus.STATUS_PENDING;
      op.unixTimeEndMs = 0n;
    }
  }
  if (buf.length) yield buf;
}
