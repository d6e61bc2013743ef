// Host side of RequestLog: GetLogs for a log ref carried by a client's operation asks that client (when connected)
// and returns what it sends; a finished operation's log is cached. A running operation's log is followed: asked
// again at most every 2 s while it runs, never cached. Backrest's own peers do not serve logs and end the link when
// asked, so a peer that drops the link at a log request is not asked again for an hour.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isUnfinished,
  type Operation,
  type SyncStreamItem,
  type SyncStreamItem_SyncActionReceiveLogData,
} from '@restora/proto';
import type { ConfigStore } from '../config/types.js';
import { FailedPreconditionError, UnavailableError } from '../errors.js';
import type { OpLog } from '../oplog/types.js';
import { logRefsOf } from './log-serve.js';
import { item } from './messages.js';
import type { RemoteLogCache } from './remote-log-cache.js';

const MAX_LOG_BYTES = 16 * 1024 * 1024;
const ANSWER_TIMEOUT_MS = 60_000;
const NO_LOGS_FOR_MS = 3_600_000;
/** A link that ends this soon after a log request, with no answer, ended because of it. */
const DROPPED_AT_ASK_MS = 5_000;
/** A running operation's log is asked for again at most this often (all viewers of it share one ask). */
export const LIVE_LOG_REFRESH_MS = 2_000;

interface Pending {
  keyid: string;
  askedAt: number;
  chunks: Buffer[];
  size: number;
  gotAny: boolean;
  done: Promise<Buffer>;
  resolve(b: Buffer): void;
  reject(e: Error): void;
}

export interface RemoteLogDeps {
  config: ConfigStore;
  oplog: OpLog;
  /** Connected clients by key id (the sync context's map). */
  clients: Map<string, { send(item: SyncStreamItem): void }>;
  cache: RemoteLogCache;
  now(): number;
}

export class RemoteLogs {
  private readonly pending = new Map<string, Pending>();
  private readonly noLogsUntil = new Map<string, number>();
  private readonly lastAsked = new Map<string, number>();

  constructor(private readonly d: RemoteLogDeps) {}

  /** The client operation (local copy) that carries this log ref, if any. */
  owner(ref: string): Operation | undefined {
    for (const peer of this.d.config.get().multihost?.authorizedClients ?? []) {
      const op = this.d.oplog
        .query({ originalInstanceKeyid: peer.keyid })
        .find((o) => logRefsOf(o).includes(ref));
      if (op) return op;
    }
    return undefined;
  }

  /** The whole log (cached, or fetched from its client now). Throws a message a person can act on. */
  async read(op: Operation, ref: string, signal: AbortSignal): Promise<Buffer> {
    const cached = this.d.cache.get(ref);
    if (cached) return cached;
    const keyid = op.originalInstanceKeyid;
    const key = `${keyid}\0${ref}`;
    let p = this.pending.get(key);
    if (!p) {
      p = this.request(keyid, op, ref);
      this.pending.set(key, p);
      const settled = () => this.pending.delete(key);
      p.done.then(settled, settled);
    }
    signal.throwIfAborted();
    return await new Promise<Buffer>((resolve, reject) => {
      const stop = () => reject(signal.reason as Error);
      signal.addEventListener('abort', stop, { once: true });
      p.done.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
    });
  }

  /**
   * GetLogs of a client's operation: the log, then while the operation runs (its local copy, updated by sync) what
   * the client added since, re-asked at a bounded rate; ends once the operation has finished and its log arrived.
   */
  async *follow(op: Operation, ref: string, signal: AbortSignal): AsyncGenerator<Buffer> {
    const key = `${op.originalInstanceKeyid}\0${ref}`;
    let sent = 0;
    for (;;) {
      // bounded rate: an ask waits until the last one of this log, by any viewer, is old enough
      for (let wait = 1; wait > 0;) {
        wait = (this.lastAsked.get(key) ?? -Infinity) + LIVE_LOG_REFRESH_MS - this.d.now();
        if (wait > 0) await sleep(wait, undefined, { signal });
      }
      const current = this.d.oplog.get(op.id) ?? op;
      const data = await this.read(current, ref, signal);
      if (data.length > sent) yield data.subarray(sent);
      sent = Math.max(sent, data.length);
      if (!isUnfinished(current.status)) return;
    }
  }

  private request(keyid: string, op: Operation, ref: string): Pending {
    const name = JSON.stringify(op.instanceId);
    let resolve!: (b: Buffer) => void;
    let reject!: (e: Error) => void;
    const done = new Promise<Buffer>((res, rej) => ((resolve = res), (reject = rej)));
    const p: Pending = {
      keyid,
      askedAt: this.d.now(),
      chunks: [],
      size: 0,
      gotAny: false,
      done,
      resolve,
      reject,
    };
    const until = this.noLogsUntil.get(keyid) ?? 0;
    const client = this.d.clients.get(keyid);
    if (until > this.d.now())
      reject(
        new FailedPreconditionError(
          `client ${name} closed the connection when last asked for a log (Backrest clients do not serve logs over sync)`,
        ),
      );
    else if (!client)
      reject(
        new UnavailableError(
          `client ${name} is not connected, so log ${ref} cannot be fetched now; try again when it is`,
        ),
      );
    else {
      const timer = setTimeout(
        () => reject(new UnavailableError(`client ${name} did not send log ${ref} within 60 s`)),
        ANSWER_TIMEOUT_MS,
      );
      done.then(
        () => clearTimeout(timer),
        () => clearTimeout(timer),
      );
      this.lastAsked.set(`${keyid}\0${ref}`, this.d.now());
      client.send(item({ case: 'requestLog', value: { logId: ref } }));
    }
    // cache a finished operation's log once it arrived whole
    done.then(
      (data) => {
        if (isUnfinished(op.status)) return;
        this.d.cache.put(ref, op.id, data);
        this.lastAsked.delete(`${keyid}\0${ref}`);
      },
      () => undefined,
    );
    return p;
  }

  /** A ReceiveLogData from a connected client: appended to its request; an empty chunk completes it. */
  deliver(keyid: string, msg: SyncStreamItem_SyncActionReceiveLogData): void {
    const p = this.pending.get(`${keyid}\0${msg.logId}`);
    if (!p) return; // an answer after a timeout or abort: nobody waits for it
    if (msg.errorMessage)
      return p.reject(new FailedPreconditionError(`the client says: ${msg.errorMessage}`));
    p.gotAny = true;
    if (msg.chunk.length === 0) return p.resolve(Buffer.concat(p.chunks));
    p.size += msg.chunk.length;
    if (p.size > MAX_LOG_BYTES)
      return p.reject(new FailedPreconditionError(`log ${msg.logId} is larger than 16 MiB; not fetched`));
    p.chunks.push(Buffer.from(msg.chunk));
  }

  /** The client's link ended: its open requests fail; one that got no answer marks a peer that serves no logs. */
  peerGone(keyid: string, reason: string): void {
    for (const p of this.pending.values()) {
      if (p.keyid !== keyid) continue;
      if (!p.gotAny && this.d.now() - p.askedAt < DROPPED_AT_ASK_MS)
        this.noLogsUntil.set(keyid, this.d.now() + NO_LOGS_FOR_MS);
      p.reject(new UnavailableError(`the client's connection ended before its log arrived: ${reason}`));
    }
  }
}
