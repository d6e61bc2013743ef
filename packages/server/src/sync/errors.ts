// Why a sync session ended, as the peer state Backrest reports it (auth, protocol, internal, disconnected).
import { ConnectionState } from '@restora/proto';

export class SyncError extends Error {
  constructor(
    readonly state: ConnectionState,
    message: string,
  ) {
    super(message);
  }
}

export const authError = (msg: string) => new SyncError(ConnectionState.ERROR_AUTH, msg);
export const protocolError = (msg: string) => new SyncError(ConnectionState.ERROR_PROTOCOL, msg);
export const internalError = (msg: string) => new SyncError(ConnectionState.ERROR_INTERNAL, msg);
export const disconnected = (msg: string) => new SyncError(ConnectionState.DISCONNECTED, msg);
