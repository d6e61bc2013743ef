import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

export type BlobOp = 'write' | 'read' | 'delete';

/** The six rest_server_blob_* counters, in a registry per server so several servers can share a process. */
export class BlobMetrics {
  readonly registry = new Registry();
  private readonly counts: Record<BlobOp, Counter<'user' | 'repo' | 'type'>>;
  private readonly bytes: Record<BlobOp, Counter<'user' | 'repo' | 'type'>>;

  constructor() {
    const labelNames = ['user', 'repo', 'type'] as const;
    const make = (name: string, help: string): Counter<'user' | 'repo' | 'type'> =>
      new Counter({ name, help, labelNames, registers: [this.registry] });
    this.counts = {
      write: make('rest_server_blob_write_total', 'Total number of blobs written'),
      read: make('rest_server_blob_read_total', 'Total number of blobs read'),
      delete: make('rest_server_blob_delete_total', 'Total number of blobs deleted'),
    };
    this.bytes = {
      write: make('rest_server_blob_write_bytes_total', 'Total number of bytes written to blobs'),
      read: make('rest_server_blob_read_bytes_total', 'Total number of bytes read from blobs'),
      delete: make('rest_server_blob_delete_bytes_total', 'Total number of bytes of blobs deleted'),
    };
    collectDefaultMetrics({ register: this.registry });
  }

  record(op: BlobOp, user: string, repo: readonly string[], type: string, size: number): void {
    const labels = { user, repo: repo.join('/'), type };
    this.counts[op].inc(labels);
    this.bytes[op].inc(labels, size);
  }
}
