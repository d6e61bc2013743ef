// Client side of RequestLog: the host asks for a log by its ref; we answer with ReceiveLogData chunks (owner op id
// in the first, an empty chunk last) when the log belongs to an operation the host may read, else an error message.
import type { Operation } from '@restora/proto';
import type { LogStore, OpLog } from '../oplog/types.js';
import { item } from './messages.js';
import type { SyncSession } from './session.js';

export const LOG_CHUNK_BYTES = 64 * 1024;

/** Every log ref an operation carries (its own, and the output of check, prune and hook runs). */
export function logRefsOf(op: Operation): string[] {
  const refs = op.logref ? [op.logref] : [];
  const v = op.op.value as { outputLogref?: string } | undefined;
  if (v?.outputLogref) refs.push(v.outputLogref);
  return refs;
}

export async function answerLogRequest(
  d: { oplog: OpLog; logs: LogStore; instanceId: string; covers: (op: Operation) => boolean },
  session: SyncSession,
  logId: string,
): Promise<void> {
  const fail = (errorMessage: string) =>
    session.send(item({ case: 'receiveLogData', value: { logId, errorMessage } }));
  const owner = d.oplog
    .query({ instanceId: d.instanceId })
    .find((op) => d.covers(op) && logRefsOf(op).includes(logId));
  if (!owner) return fail(`log ${logId} belongs to no operation this host may read`);
  let data: Buffer;
  try {
    data = await d.logs.read(logId);
  } catch (e) {
    return fail((e as Error).message);
  }
  for (let at = 0; at < data.length; at += LOG_CHUNK_BYTES) {
    const chunk = data.subarray(at, at + LOG_CHUNK_BYTES);
    session.send(
      item({
        case: 'receiveLogData',
        value: at === 0 ? { logId, ownerOpid: owner.id, chunk } : { logId, chunk },
      }),
    );
  }
  // an empty chunk ends the stream (an empty log is just that message, with its owner)
  session.send(
    item({
      case: 'receiveLogData',
      value: data.length === 0 ? { logId, ownerOpid: owner.id } : { logId },
    }),
  );
}
