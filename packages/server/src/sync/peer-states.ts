// Live state of every peer (host or client) for GetPeerSyncStatesStream: connection state with a human message,
// last heartbeat, the resources and read-only config the peer shared.
import { clone, create } from '@bufbuild/protobuf';
import { ConnectionState, PeerStateSchema, type PeerState } from '@restora/proto';

export type PeerStateListener = (state: PeerState) => void;

export class PeerStates {
  private readonly states = new Map<string, PeerState>();
  private readonly listeners = new Set<PeerStateListener>();

  constructor(private readonly now: () => number = Date.now) {}

  get(keyid: string): PeerState | undefined {
    const s = this.states.get(keyid);
    return s && clone(PeerStateSchema, s);
  }

  all(): PeerState[] {
    return [...this.states.values()].map((s) => clone(PeerStateSchema, s));
  }

  /** Applies `change` to the peer's state (created PENDING when new) and tells every listener. */
  update(keyid: string, instanceId: string, change: (s: PeerState) => void): void {
    const s =
      this.states.get(keyid) ??
      create(PeerStateSchema, {
        peerKeyid: keyid,
        peerInstanceId: instanceId,
        state: ConnectionState.PENDING,
        statusMessage: 'not connected yet',
      });
    if (instanceId) s.peerInstanceId = instanceId;
    change(s);
    this.states.set(keyid, s);
    for (const l of this.listeners) l(clone(PeerStateSchema, s));
  }

  setState(keyid: string, instanceId: string, state: ConnectionState, message: string): void {
    this.update(keyid, instanceId, (s) => {
      s.state = state;
      s.statusMessage = message;
      s.lastHeartbeatMillis = BigInt(this.now());
    });
  }

  heartbeat(keyid: string): void {
    const s = this.states.get(keyid);
    if (s) this.update(keyid, s.peerInstanceId, (x) => (x.lastHeartbeatMillis = BigInt(this.now())));
  }

  forget(keyid: string): void {
    this.states.delete(keyid);
  }

  subscribe(l: PeerStateListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
