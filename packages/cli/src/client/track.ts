// Following one operation: the live event stream for progress, and a slow poll so a missed event never hangs us.
import type { Operation } from '@restora/proto';
import type { Connection } from './connection.js';
import { isFinished } from './format.js';

export interface TrackOptions {
  /** Which op is ours. */
  match: (op: Operation) => boolean;
  /** Candidates fetched on each poll (the op may exist, or be done, before the stream sees it). */
  poll: () => Promise<Operation[]>;
  /** GetOperationEvents filter headers (restora-plan-id, restora-repo-id). */
  headers?: Record<string, string>;
  onUpdate?: (op: Operation) => void;
  /** 'start': resolve as soon as the op exists (--no-wait); 'end' (default): when it is finished. */
  until?: 'start' | 'end';
  pollMs?: number;
}

export function trackOp(c: Connection, o: TrackOptions): Promise<Operation> {
  return new Promise<Operation>((resolve, reject) => {
    const ac = new AbortController();
    let last: Operation | undefined;
    let settled = false;
    const finish = (op?: Operation, err?: unknown) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      ac.abort();
      if (op) resolve(op);
      else reject(err);
    };
    const see = (op: Operation) => {
      if (settled || !o.match(op)) return;
      if (last && op.modno < last.modno) return; // a poll answer older than an event already seen
      last = op;
      o.onUpdate?.(op);
      if (o.until === 'start' || isFinished(op.status)) finish(op);
    };
    void (async () => {
      try {
        const events = c.backrest.getOperationEvents({}, { signal: ac.signal, headers: o.headers ?? {} });
        for await (const ev of events) {
          const e = ev.event;
          if (e.case === 'createdOperations' || e.case === 'updatedOperations')
            for (const op of e.value.operations) see(op);
        }
      } catch (err) {
        if (!ac.signal.aborted) finish(undefined, err);
      }
    })();
    const tick = () =>
      o.poll().then(
        (ops) => ops.forEach(see),
        (err: unknown) => finish(undefined, err),
      );
    const timer = setInterval(() => void tick(), o.pollMs ?? 2000);
    void tick();
  });
}

/** Follows the op with this id to its end. */
export function trackId(c: Connection, id: bigint, onUpdate?: (op: Operation) => void): Promise<Operation> {
  return trackOp(c, {
    match: (op) => op.id === id,
    poll: async () => {
      const { operations } = await c.backrest.getOperations({ selector: { ids: [id] } });
      if (operations.length === 0) throw new Error(`operation ${id} vanished from the server's history`);
      return operations;
    },
    ...(onUpdate ? { onUpdate } : {}),
  });
}

/**
 * Ctrl-C while following stops the following, not the operation: says so (and how to cancel it) and exits 130.
 * Returns the undo.
 */
export function detachOnInterrupt(opId: () => bigint | undefined, before: () => void): () => void {
  const onInt = () => {
    before();
    const id = opId();
    process.stderr.write(
      id
        ? `\nstopped following: operation #${id} goes on on the server (\`restora cancel ${id}\` stops it)\n`
        : '\nstopped following\n',
    );
    process.exit(130);
  };
  process.once('SIGINT', onInt);
  return () => process.off('SIGINT', onInt);
}
