// Fan-out of oplog events; a throwing listener never breaks a write or the other listeners.
import { clone } from '@bufbuild/protobuf';
import { OperationSchema, type Operation } from '@restora/proto';
import type { OpEvent, OpListener } from './types.js';

export class OpEmitter {
  private readonly listeners = new Set<OpListener>();
  onListenerError: (err: unknown) => void = () => {};

  subscribe(listener: OpListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  /** `make` runs only when someone listens (copies are not free on bulk writes). */
  emit(make: () => OpEvent[]): void {
    if (this.listeners.size === 0) return;
    for (const ev of make()) {
      for (const l of this.listeners) {
        try {
          l(ev);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }

  /** Listeners get their own copies so a caller mutating its op afterwards cannot change what they saw. */
  static copies(ops: readonly Operation[]): Operation[] {
    return ops.map((op) => clone(OperationSchema, op));
  }
}

export const SCRUB_MESSAGE = 'Operation was incomplete when orchestrator was restarted.';
