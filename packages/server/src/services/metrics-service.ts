// Prometheus metrics (own registry): fed by oplog events, queue depth read at scrape time.
import { OperationStatus, type Operation } from '@restora/proto';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OpLog } from '../oplog/types.js';

const TERMINAL = new Set([
  OperationStatus.STATUS_SUCCESS,
  OperationStatus.STATUS_WARNING,
  OperationStatus.STATUS_ERROR,
  OperationStatus.STATUS_USER_CANCELLED,
  OperationStatus.STATUS_SYSTEM_CANCELLED,
]);

const label = (v: string) => v || '_unassociated_';
const statusName = (s: OperationStatus) =>
  (OperationStatus[s] ?? 'UNKNOWN').replace(/^STATUS_/, '').toLowerCase();
const kindName = (op: Operation) =>
  (op.op.case ?? 'unknown').replace(/^operation/, '').replace(/^./, (c) => c.toLowerCase());

export class MetricsService {
  readonly registry = new Registry();
  private readonly counted = new Set<bigint>();
  private readonly ops: Counter<'kind' | 'status'>;
  private readonly tasksRun: Counter<'repo_id' | 'plan_id' | 'task_type' | 'status'>;
  private readonly duration: Histogram<'kind'>;
  private readonly taskDuration: Gauge<'repo_id' | 'plan_id' | 'task_type'>;
  private readonly bytesProcessed: Gauge<'repo_id' | 'plan_id'>;
  private readonly bytesAdded: Gauge<'repo_id' | 'plan_id'>;
  private readonly lastSuccess: Gauge<'plan_id'>;
  private readonly unsubscribe: () => void;

  constructor(oplog: OpLog, queue: () => { queued: number; running: string[] }) {
    const registers = [this.registry];
    this.ops = new Counter({
      name: 'restora_operations_total',
      help: 'Finished operations by kind and final status',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.tasksRun = new Counter({
      name: 'backrest_tasks_run_total',
      help: 'Finished tasks (Backrest compatible)',
      labelNames: ['repo_id', 'plan_id', 'task_type', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'restora_operation_duration_seconds',
      help: 'Duration of finished operations',
      labelNames: ['kind'],
      buckets: [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600],
      registers,
    });
    this.taskDuration = new Gauge({
      name: 'backrest_tasks_duration_secs',
      help: 'Duration of the last task (Backrest compatible)',
      labelNames: ['repo_id', 'plan_id', 'task_type'],
      registers,
    });
    this.bytesProcessed = new Gauge({
      name: 'backrest_backup_bytes_processed',
      help: 'Bytes processed by the last backup',
      labelNames: ['repo_id', 'plan_id'],
      registers,
    });
    this.bytesAdded = new Gauge({
      name: 'backrest_backup_bytes_added',
      help: 'Bytes added to the repository by the last backup',
      labelNames: ['repo_id', 'plan_id'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'restora_last_backup_success_timestamp_seconds',
      help: 'End time of the last successful backup per plan',
      labelNames: ['plan_id'],
      registers,
    });
    new Gauge({
      name: 'restora_queue_depth',
      help: 'Tasks waiting in the queue',
      registers,
      collect() {
        this.set(queue().queued);
      },
    });
    new Gauge({
      name: 'restora_running_tasks',
      help: 'Tasks running now',
      registers,
      collect() {
        this.set(queue().running.length);
      },
    });
    this.unsubscribe = oplog.subscribe((e) => {
      if (e.type !== 'deleted') for (const op of e.operations) this.observe(op);
    });
  }

  private observe(op: Operation): void {
    if (!TERMINAL.has(op.status) || this.counted.has(op.id)) return;
    if (this.counted.size > 50_000) this.counted.clear();
    this.counted.add(op.id);
    const kind = kindName(op);
    const status = statusName(op.status);
    const secs = Math.max(0, Number(op.unixTimeEndMs - op.unixTimeStartMs) / 1000);
    const where = { repo_id: label(op.repoId), plan_id: label(op.planId) };
    this.ops.inc({ kind, status });
    this.duration.observe({ kind }, secs);
    this.taskDuration.set({ ...where, task_type: kind }, secs);
    const ok = op.status === OperationStatus.STATUS_SUCCESS || op.status === OperationStatus.STATUS_WARNING;
    this.tasksRun.inc({ ...where, task_type: kind, status: ok ? 'success' : 'failed' });
    if (op.op.case === 'operationBackup' && !op.op.value.dryRun) {
      const entry = op.op.value.lastStatus?.entry;
      if (entry?.case === 'summary') {
        this.bytesProcessed.set(where, Number(entry.value.totalBytesProcessed));
        this.bytesAdded.set(where, Number(entry.value.dataAdded));
      }
      if (ok) this.lastSuccess.set({ plan_id: where.plan_id }, Number(op.unixTimeEndMs) / 1000);
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.unsubscribe();
  }
}
