// The global event feed of GET /api/v1/events (Zerobyte's server-event-stream): volume and notification changes.
import { EventEmitter } from 'node:events';

export type ServerEventName =
  | 'volume:mounted'
  | 'volume:unmounted'
  | 'volume:updated'
  | 'volume:status_changed'
  | 'notification:updated'
  | 'task:history-changed';

export interface ServerEvent {
  name: ServerEventName;
  data: Record<string, unknown>;
}

export class ServerEvents {
  private readonly bus = new EventEmitter();

  constructor() {
    this.bus.setMaxListeners(0);
  }

  emit(name: ServerEventName, data: Record<string, unknown>): void {
    this.bus.emit('event', { name, data: { organizationId: 'default', ...data } } satisfies ServerEvent);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: (e: ServerEvent) => void): () => void {
    this.bus.on('event', listener);
    return () => this.bus.off('event', listener);
  }
}
