// The one place domain and restic errors become Connect errors (codes from api/error-table.ts): clear
// messages, never stack traces.
import { Code, ConnectError } from '@connectrpc/connect';
import { classifyError, CONNECT_CODE } from '../error-table.js';

/** Maps any thrown value to a ConnectError a client can show. Unexpected errors are logged, not leaked. */
export function toConnectError(err: unknown, log?: (err: unknown) => void): ConnectError {
  if (err instanceof ConnectError) return err;
  const known = classifyError(err);
  if (known) {
    if (known.kind === 'internal') log?.(err);
    return new ConnectError(known.message, CONNECT_CODE[known.kind]);
  }
  log?.(err);
  return new ConnectError('internal error', Code.Internal);
}
