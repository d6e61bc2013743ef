import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { OperationEventSchema } from '@restora/proto';
import type { OperationEvent } from '@restora/proto';
import type { BackrestClient } from './transport.js';

// One GetOperationEvents stream per browser, not per tab: the tab holding a Web Lock runs the stream and
// rebroadcasts every event over a BroadcastChannel; when it closes, another tab takes the lock over.
const LOCK = 'restora-op-events';
const CHANNEL = 'restora-op-events';

export type OpEventSink = {
  onEvent(ev: OperationEvent): void;
  /** The stream (re)connected after a gap: cached operation lists may be stale. */
  onResync(): void;
  onConnectedChange?(connected: boolean): void;
};

type Wire = { t: 'ev'; b: Uint8Array } | { t: 'resync' };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

async function runStream(
  client: BackrestClient,
  sink: OpEventSink,
  post: (w: Wire) => void,
  signal: AbortSignal,
) {
  let attempt = 0;
  let first = true;
  while (!signal.aborted) {
    try {
      const stream = client.getOperationEvents({}, { signal });
      if (!first) {
        sink.onResync();
        post({ t: 'resync' });
      }
      first = false;
      sink.onConnectedChange?.(true);
      for await (const ev of stream) {
        attempt = 0;
        if (ev.event.case === 'keepAlive') continue;
        sink.onEvent(ev);
        post({ t: 'ev', b: toBinary(OperationEventSchema, ev) });
      }
    } catch (err) {
      if (signal.aborted) break;
      // Unauthenticated: the interceptor already switched to the login view, which unmounts us.
      if (ConnectError.from(err).code === Code.Unauthenticated) break;
    }
    sink.onConnectedChange?.(false);
    attempt++;
    await sleep(Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)), signal);
  }
}

/** Starts listening; returns a stop function. */
export function startOperationEvents(client: BackrestClient, sink: OpEventSink): () => void {
  const ctrl = new AbortController();
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const post = (w: Wire) => channel?.postMessage(w);
  if (channel) {
    channel.onmessage = (m: MessageEvent<Wire>) => {
      if (m.data.t === 'ev') sink.onEvent(fromBinary(OperationEventSchema, m.data.b));
      else sink.onResync();
    };
  }
  const startedAt = Date.now();
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks && channel) {
    locks
      .request(LOCK, { signal: ctrl.signal }, async () => {
        // Taking over from a closed leader tab: events may have been missed during the hand-over.
        if (Date.now() - startedAt > 2000) sink.onResync();
        await runStream(client, sink, post, ctrl.signal);
      })
      .catch(() => undefined);
  } else {
    // No Web Locks (insecure origin): every tab runs its own stream.
    void runStream(client, sink, () => undefined, ctrl.signal);
  }
  return () => {
    ctrl.abort();
    channel?.close();
  };
}
