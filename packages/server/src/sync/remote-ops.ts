// Host side storage of a client's operations: stored in the oplog beside our own, marked with the client's key id
// and their original id and flow id. The oplog is the truth for which copies exist; the peer's modno of each copy
// (the oplog assigns its own) is kept in sync.sqlite so a reconnect requests only what changed.
import Database, { type Database as Db } from 'better-sqlite3';
import type { Operation } from '@restora/proto';
import { preparePrivateDatabase } from '../secrets/private-file.js';
import type { OpLog } from '../oplog/types.js';

export class RemoteModnos {
  private constructor(private readonly db: Db) {}

  static open(file: string): RemoteModnos {
    preparePrivateDatabase(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE IF NOT EXISTS remote_modno (local_id INTEGER PRIMARY KEY, modno INTEGER NOT NULL)');
    return new RemoteModnos(db);
  }

  get(localIds: bigint[]): Map<bigint, bigint> {
    const out = new Map<bigint, bigint>();
    const stmt = this.db.prepare('SELECT modno FROM remote_modno WHERE local_id = ?').pluck().safeIntegers();
    for (const id of localIds) {
      const m = stmt.get(id) as bigint | undefined;
      if (m !== undefined) out.set(id, m);
    }
    return out;
  }

  setMany(rows: [localId: bigint, modno: bigint][]): void {
    const stmt = this.db.prepare('INSERT OR REPLACE INTO remote_modno (local_id, modno) VALUES (?, ?)');
    this.db.transaction(() => rows.forEach(([id, m]) => stmt.run(id, m)))();
  }

  delete(localIds: bigint[]): void {
    const stmt = this.db.prepare('DELETE FROM remote_modno WHERE local_id = ?');
    this.db.transaction(() => localIds.forEach((id) => stmt.run(id)))();
  }

  close(): void {
    this.db.close();
  }
}

interface LocalCopy {
  localId: bigint;
  modno: bigint;
}

/** One connected client's copies: original id → local copy, original flow id → local flow id. */
export class RemoteOpStore {
  private byOriginal = new Map<bigint, LocalCopy>();
  private flows = new Map<bigint, bigint>();

  private constructor(
    private readonly oplog: OpLog,
    private readonly modnos: RemoteModnos,
    private readonly peerKeyid: string,
  ) {
    this.reload();
  }

  static forPeer(oplog: OpLog, modnos: RemoteModnos, peerKeyid: string): RemoteOpStore {
    return new RemoteOpStore(oplog, modnos, peerKeyid);
  }

  reload(): void {
    const ops = this.oplog.query({ originalInstanceKeyid: this.peerKeyid });
    const modnos = this.modnos.get(ops.map((o) => o.id));
    this.byOriginal = new Map(
      ops.map((o) => [o.originalId, { localId: o.id, modno: modnos.get(o.id) ?? -1n }]),
    );
    this.flows = new Map(ops.map((o) => [o.originalFlowId, o.flowId]));
  }

  /** Deletes copies the client no longer has; returns the original ids that are new or changed, in manifest order. */
  reconcile(opIds: readonly bigint[], modnos: readonly bigint[]): bigint[] {
    const remote = new Set(opIds);
    const stale = [...this.byOriginal].filter(([orig]) => !remote.has(orig)).map(([, c]) => c.localId);
    if (stale.length) {
      this.oplog.delete(...stale);
      this.modnos.delete(stale);
      this.reload();
    }
    return opIds.filter((id, i) => this.byOriginal.get(id)?.modno !== modnos[i]);
  }

  /** Stores a batch: new copies in one oplog insert, changed ones in one update (one transaction each). */
  upsert(ops: Operation[]): void {
    const added: Operation[] = [];
    const updated: Operation[] = [];
    const remoteModnos = new Map<Operation, bigint>();
    for (const op of ops) {
      remoteModnos.set(op, op.modno);
      const existing = this.byOriginal.get(op.id);
      op.originalInstanceKeyid = this.peerKeyid;
      op.originalId = op.id;
      op.originalFlowId = op.flowId;
      op.flowId = this.flows.get(op.flowId) ?? 0n;
      op.id = existing && this.oplog.hasId(existing.localId) ? existing.localId : 0n;
      (op.id ? updated : added).push(op);
    }
    // a flow started in this batch: its later ops join the first op's local flow
    const firstOfFlow = new Map<bigint, Operation>();
    for (const op of added)
      if (op.flowId === 0n && op.originalFlowId !== op.originalId) firstOfFlow.set(op.originalFlowId, op);
    const needsFlow = added.filter((op) => firstOfFlow.has(op.originalFlowId) && op.flowId === 0n);
    this.oplog.add(...added.filter((op) => !needsFlow.includes(op)));
    for (const op of added) if (op.id) this.flows.set(op.originalFlowId, op.flowId);
    for (const op of needsFlow) op.flowId = this.flows.get(op.originalFlowId) ?? 0n;
    this.oplog.add(...needsFlow);
    this.oplog.update(...updated);
    for (const op of [...added, ...updated]) {
      this.flows.set(op.originalFlowId, op.flowId);
      this.byOriginal.set(op.originalId, { localId: op.id, modno: remoteModnos.get(op)! });
    }
    this.modnos.setMany([...added, ...updated].map((op) => [op.id, remoteModnos.get(op)!]));
  }

  deleteOriginal(originalId: bigint): void {
    const c = this.byOriginal.get(originalId);
    if (!c) return;
    this.oplog.delete(c.localId);
    this.modnos.delete([c.localId]);
    this.byOriginal.delete(originalId);
  }
}
