import { Badge, Tooltip } from '@mantine/core';
import { createClient } from '@connectrpc/connect';
import { useEffect, useMemo, useState } from 'react';
import { BackrestSyncStateService, ConnectionState } from '@restora/proto';
import type { PeerState } from '@restora/proto';
import { createHttpTransport } from '../api/transport.js';
import { errorMessage, formatRelative } from '../lib/format.js';

/** The sync state service (signed in like the rest of the API). */
export function useSyncStateClient() {
  return useMemo(() => createClient(BackrestSyncStateService, createHttpTransport()), []);
}

/** Every peer's state, kept live by GetPeerSyncStatesStream (reconnects after a break). */
export function usePeerStates(): { states: Map<string, PeerState>; error: string | null } {
  const client = useSyncStateClient();
  const [states, setStates] = useState(new Map<string, PeerState>());
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    void (async () => {
      while (!ac.signal.aborted) {
        try {
          for await (const s of client.getPeerSyncStatesStream({ subscribe: true }, { signal: ac.signal })) {
            setError(null);
            setStates((m) => new Map(m).set(s.peerKeyid, s));
          }
        } catch (err) {
          if (ac.signal.aborted) return;
          setError(`Live peer states interrupted: ${errorMessage(err)}; retrying`);
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => ac.abort();
  }, [client]);
  return { states, error };
}

const LABEL: Record<ConnectionState, { text: string; color: string; help: string }> = {
  [ConnectionState.UNKNOWN]: { text: 'unknown', color: 'gray', help: 'No state reported yet.' },
  [ConnectionState.PENDING]: { text: 'pending', color: 'blue', help: 'Connecting for the first time.' },
  [ConnectionState.CONNECTED]: { text: 'connected', color: 'green', help: 'The link is up and in sync.' },
  [ConnectionState.DISCONNECTED]: { text: 'disconnected', color: 'gray', help: 'The link is down.' },
  [ConnectionState.RETRY_WAIT]: {
    text: 'retrying',
    color: 'yellow',
    help: 'The link broke; waiting before the next attempt.',
  },
  [ConnectionState.ERROR_AUTH]: {
    text: 'not authorised',
    color: 'red',
    help: 'The other side refused this instance (pairing, key or permission).',
  },
  [ConnectionState.ERROR_PROTOCOL]: {
    text: 'protocol error',
    color: 'red',
    help: 'The two sides do not speak the same protocol version, or a message was malformed.',
  },
  [ConnectionState.ERROR_INTERNAL]: {
    text: 'internal error',
    color: 'red',
    help: 'Something failed on this instance; see its log.',
  },
};

export function PeerStateBadge({ state }: { state: PeerState | undefined }) {
  const l = LABEL[state?.state ?? ConnectionState.UNKNOWN];
  const beat = state?.lastHeartbeatMillis ? ` Last heard ${formatRelative(state.lastHeartbeatMillis)}.` : '';
  return (
    <Tooltip label={`${l.help}${beat}`} multiline w={260}>
      <Badge color={l.color} variant="light" data-peer-state={l.text}>
        {l.text}
      </Badge>
    </Tooltip>
  );
}
