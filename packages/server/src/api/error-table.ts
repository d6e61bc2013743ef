// The one table from a thrown value to what a client sees, shared by the Connect mapper, the REST mapper and the
// download route: domain errors by kind, restic errors by code (a failure caused by the request is a 4xx with
// restic's reason), anything else is unexpected (logged, never shown).
import { Code } from '@connectrpc/connect';
import { isResticError, type ResticError } from '@restora/restic';
import { TaskFailedError } from '../engine.js';
import { isDomainError, type DomainErrorKind } from '../errors.js';

export interface ErrorOutcome {
  kind: DomainErrorKind;
  message: string;
  /** restic's stderr tail, for clients that show details (REST `details`). */
  details?: string;
}

export const CONNECT_CODE: Record<DomainErrorKind, Code> = {
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

export const HTTP_STATUS: Record<DomainErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  validation: 400,
  invalid_argument: 400,
  failed_precondition: 400,
  unauthenticated: 401,
  permission_denied: 403,
  unavailable: 503,
  unimplemented: 501,
  cancelled: 409,
  internal: 500,
};

const UNKNOWN_SNAPSHOT = /no matching ID found|no snapshot matches|no snapshot found|invalid id "/i;
/** restic failures that are the server's own trouble, not the request's. */
const SERVER_FAULT =
  /no space left|input\/output error|out of memory|cannot allocate memory|too many open files/i;

/** restic's error code → kind. A `Fatal:` failure is restic refusing what it was asked (bad URI, path...). */
export function resticKind(err: ResticError): DomainErrorKind {
  const text = `${err.message}\n${err.stderrTail}`;
  switch (err.code) {
    case 'repo-not-found':
      return 'not_found';
    case 'wrong-password':
      return 'invalid_argument';
    case 'invalid-argument':
      return UNKNOWN_SNAPSHOT.test(text) ? 'not_found' : 'invalid_argument';
    case 'locked':
      return 'conflict';
    case 'unsupported':
    case 'incomplete-backup':
      return 'failed_precondition';
    case 'not-installed':
      return 'unavailable';
    case 'interrupted':
      return 'cancelled';
    case 'failed':
      return /(^|\s)Fatal: /m.test(text) && !SERVER_FAULT.test(text) ? 'failed_precondition' : 'internal';
  }
}

/** What a client may see of `err`, or undefined when it is unexpected (then: log it, answer "internal error"). */
export function classifyError(err: unknown): ErrorOutcome | undefined {
  // a task that ran and failed is a reported outcome (its message says why), not a broken server
  if (err instanceof TaskFailedError) return { kind: 'failed_precondition', message: err.message };
  if (isDomainError(err)) return { kind: err.kind, message: err.message };
  if (isResticError(err)) {
    const kind = resticKind(err);
    // restic's own crash (a Go panic and its stack) stays in the server log
    if (kind === 'internal')
      return { kind, message: `restic failed${err.exitCode === null ? '' : ` (exit ${err.exitCode})`}` };
    const message = err.message.split('\n')[0] ?? err.message;
    return { kind, message, ...(err.stderrTail ? { details: err.stderrTail } : {}) };
  }
  return undefined;
}
