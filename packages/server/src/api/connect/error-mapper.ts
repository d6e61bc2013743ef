// The one place domain and restic errors become Connect errors: clear messages, never stack traces.
import { Code, ConnectError } from '@connectrpc/connect';
import { isResticError } from '@restora/restic';
import { isDomainError, type DomainErrorKind } from '../../errors.js';

const CODES: Record<DomainErrorKind, Code> = {
  not_found: Code.NotFound,
  conflict: Code.FailedPrecondition,
  validation: Code.InvalidArgument,
  invalid_argument: Code.InvalidArgument,
  failed_precondition: Code.FailedPrecondition,
  unauthenticated: Code.Unauthenticated,
  permission_denied: Code.PermissionDenied,
  unavailable: Code.Unavailable,
  unimplemented: Code.Unimplemented,
  cancelled: Code.Canceled,
  internal: Code.Unknown,
};

/** Maps any thrown value to a ConnectError a client can show. Unexpected errors are logged, not leaked. */
export function toConnectError(err: unknown, log?: (err: unknown) => void): ConnectError {
  if (err instanceof ConnectError) return err;
  if (isDomainError(err)) return new ConnectError(err.message, CODES[err.kind]);
  if (isResticError(err)) {
    if (err.code === 'repo-not-found') return new ConnectError(err.message, Code.NotFound);
    if (err.code === 'invalid-argument' || err.code === 'wrong-password')
      return new ConnectError(err.message, Code.InvalidArgument);
    if (err.code === 'locked' || err.code === 'not-installed' || err.code === 'unsupported')
      return new ConnectError(err.message, Code.FailedPrecondition);
    if (err.code === 'interrupted') return new ConnectError(err.message, Code.Canceled);
    return new ConnectError(err.message, Code.Unknown);
  }
  log?.(err);
  return new ConnectError('internal error', Code.Internal);
}
