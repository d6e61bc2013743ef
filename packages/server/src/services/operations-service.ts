// Operation history: queries, ClearHistory, the live event stream and log streaming.
import { setTimeout as sleep } from 'node:timers/promises';
import { create } from '@bufbuild/protobuf';
import {
  OP_SELECTOR_EQUAL_FIELDS,
  opSelectorProblem,
  OperationEventSchema,
  OperationStatus,
  type OpSelector as ProtoSelector,
  type Operation,
  type OperationEvent,
} from '@restora/proto';
import { InvalidArgumentError, UnavailableError } from '../errors.js';
import { missingLogMessage } from '../oplog/log-store.js';
import type { LogStore, OpEvent, OpLog, OpSelector } from '../oplog/types.js';

export interface EventStreamOptions {
  signal: AbortSignal;
  keepAliveMs: number;
  /** Events buffered for a slow client before the stream ends with an error (client resyncs). */
  maxBuffered?: number;
  /** Restora extension: only ops of this plan / repo (Backrest sends everything to everyone). */
  planId?: string;
  repoId?: string;
  /** Restora extension: resume: first replay ops changed since this modno (as one updatedOperations event). */
  sinceModno?: bigint;
}

/** Logs of operations synced from other instances, fetched from their instance on request (sync/). */
export interface RemoteLogSource {
  owner(ref: string): Operation | undefined;
  /** The log, then (while its operation runs) what was added, until the operation finished. */
  follow(op: Operation, ref: string, signal: AbortSignal): AsyncIterable<Buffer>;
}

export class OperationsService {
  constructor(
    private readonly oplog: OpLog,
    private readonly logs: LogStore,
    private readonly remoteLogs: () => RemoteLogSource | undefined = () => undefined,
  ) {}

  /** GetOperations: an absent selector means all operations (Backrest errors there; we do not). */
  list(selector: ProtoSelector | undefined, lastN: bigint): Operation[] {
    const sel = toSelector(selector);
    return this.oplog.query(sel, lastN > 0n ? { lastN: Number(lastN) } : {});
  }

  /** ClearHistory: requires a selector ({} = everything) so an empty body cannot wipe the history. */
  clear(selector: ProtoSelector | undefined, onlyFailed: boolean): number {
    if (!selector)
      throw new InvalidArgumentError('selector is required (send {"selector":{}} to clear all history)');
    const sel = toSelector(selector);
    if (onlyFailed) sel.statuses = [OperationStatus.STATUS_ERROR];
    return this.oplog.deleteWhere(sel).length;
  }

  /** GetOperationEvents: every change as it happens, with keep-alives; no initial snapshot. */
  async *events(o: EventStreamOptions): AsyncGenerator<OperationEvent> {
    const max = o.maxBuffered ?? 1000;
    const queue: OperationEvent[] = [];
    let wake: (() => void) | undefined;
    let overflow = false;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const keep = (op: Operation) =>
      (o.planId === undefined || op.planId === o.planId) &&
      (o.repoId === undefined || op.repoId === o.repoId);
    const filtered = o.planId !== undefined || o.repoId !== undefined;
    const unsubscribe = this.oplog.subscribe((e) => {
      const event = filtered ? filterEvent(e, keep) : e;
      if (!event) return;
      if (queue.length >= max) overflow = true;
      else queue.push(toEvent(event));
      notify();
    });
    if (o.sinceModno !== undefined) {
      const missed = this.oplog.query({ modnoGte: o.sinceModno }).filter(keep);
      if (missed.length) queue.unshift(toEvent({ type: 'updated', operations: missed }));
    }
    const timer = setInterval(() => {
      queue.push(keepAliveEvent());
      notify();
    }, o.keepAliveMs);
    o.signal.addEventListener('abort', notify, { once: true });
    try {
      while (!o.signal.aborted) {
        if (overflow)
          throw new UnavailableError('event buffer overflow, closing stream for client retry and catchup');
        const next = queue.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      clearInterval(timer);
      unsubscribe();
      o.signal.removeEventListener('abort', notify);
    }
  }

  /**
   * GetOperationEvents during first-run setup: keep-alives only (no operation is shown to a caller nobody has
   * signed in as), one at once so the client sees a live stream; ends once `while` turns false (a user was added
   * or auth disabled), and the client's reconnect then meets the real stream or the sign-in.
   */
  async *idle(o: {
    signal: AbortSignal;
    keepAliveMs: number;
    while: () => boolean;
  }): AsyncGenerator<OperationEvent> {
    while (!o.signal.aborted && o.while()) {
      yield keepAliveEvent();
      await sleep(o.keepAliveMs, undefined, { signal: o.signal }).catch(() => undefined);
    }
  }

  /** GetLogs: existing content then live output until the log is finished. */
  async *log(ref: string, signal: AbortSignal): AsyncGenerator<Uint8Array> {
    if (!this.logs.exists(ref)) {
      const remote = this.remoteLogs();
      const owner = remote?.owner(ref);
      if (!remote || !owner) {
        yield new TextEncoder().encode(missingLogMessage(ref));
        return;
      }
      for await (const data of remote.follow(owner, ref, signal))
        for (let at = 0; at < data.length; at += LOG_BATCH_BYTES)
          yield new Uint8Array(data.subarray(at, at + LOG_BATCH_BYTES));
      return;
    }
    yield* batch(this.logs.follow(ref, { signal }), LOG_BATCH_BYTES, LOG_BATCH_MS);
  }
}

/** The event restricted to kept ops; undefined when nothing is left. Bulk deletes (ids only) pass through. */
const keepAliveEvent = () => create(OperationEventSchema, { event: { case: 'keepAlive', value: {} } });

function filterEvent(e: OpEvent, keep: (op: Operation) => boolean): OpEvent | undefined {
  if (e.type === 'deleted') {
    if (!e.operations) return e;
    const ops = e.operations.filter(keep);
    return ops.length ? { type: 'deleted', ids: ops.map((op) => op.id), operations: ops } : undefined;
  }
  const ops = e.operations.filter(keep);
  return ops.length ? { ...e, operations: ops } : undefined;
}

const LOG_BATCH_BYTES = 128 * 1024;
const LOG_BATCH_MS = 100;

/** Like Backrest: a message when ≥ maxBytes are buffered or maxMs after the first buffered byte. */
export async function* batch(
  source: AsyncIterable<Buffer>,
  maxBytes: number,
  maxMs: number,
): AsyncGenerator<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  let buf: Buffer[] = [];
  let size = 0;
  let deadline = 0;
  let pending: Promise<IteratorResult<Buffer>> | undefined;
  const flush = () => {
    const out = new Uint8Array(Buffer.concat(buf));
    buf = [];
    size = 0;
    return out;
  };
  try {
    for (;;) {
      pending ??= it.next();
      let timer: NodeJS.Timeout | undefined;
      const wait = () =>
        new Promise<'flush'>((res) => {
          timer = setTimeout(() => res('flush'), Math.max(0, deadline - Date.now()));
        });
      const r = buf.length ? await Promise.race([pending, wait()]) : await pending;
      clearTimeout(timer);
      if (r === 'flush') {
        yield flush();
        continue;
      }
      pending = undefined;
      if (r.done) break;
      if (!buf.length) deadline = Date.now() + maxMs;
      buf.push(r.value);
      size += r.value.length;
      if (size >= maxBytes) yield flush();
    }
    if (buf.length) yield flush();
  } finally {
    // The consumer went away (or the source ended): let the source clean up; its errors are moot now.
    it.return?.().catch(() => undefined);
  }
}

function toEvent(e: OpEvent): OperationEvent {
  switch (e.type) {
    case 'created':
      return create(OperationEventSchema, {
        event: { case: 'createdOperations', value: { operations: e.operations } },
      });
    case 'updated':
      return create(OperationEventSchema, {
        event: { case: 'updatedOperations', value: { operations: e.operations } },
      });
    case 'deleted':
      return create(OperationEventSchema, { event: { case: 'deletedOperations', value: { values: e.ids } } });
  }
}

/** Backrest's OpSelector to the oplog's (fields and rules from @restora/proto's op-selector.ts, shared with the web UI). */
export function toSelector(s: ProtoSelector | undefined): OpSelector {
  if (!s) return {};
  const problem = opSelectorProblem(s);
  if (problem) throw new InvalidArgumentError(problem);
  if (s.ids.length) return { ids: s.ids };
  const sel: OpSelector = {};
  for (const key of OP_SELECTOR_EQUAL_FIELDS) if (s[key] !== undefined) Object.assign(sel, { [key]: s[key] });
  if (s.modnoGte !== undefined) sel.modnoGte = s.modnoGte;
  return sel;
}
