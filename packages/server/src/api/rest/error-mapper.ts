// The one REST error mapper: domain errors, REST errors and Fastify's own 4xx become `{ message, details? }`.
import { isResticError } from '@restora/restic';
import { isDomainError, ValidationError, type DomainErrorKind } from '../../errors.js';
import { HttpError } from './http-error.js';

export interface ErrorBody {
  message: string;
  details?: string;
}

const STATUS: Record<DomainErrorKind, number> = {
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

/** Status and body for any thrown value; never a stack trace, never a secret-bearing message from restic argv. */
export function mapError(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) {
    return { status: err.statusCode, body: withDetails(err.message, err.details) };
  }
  if (err instanceof ValidationError) {
    return {
      status: 400,
      body: withDetails(err.message, err.issues.map((i) => `${i.path}: ${i.message}`).join('; ')),
    };
  }
  if (isDomainError(err)) return { status: STATUS[err.kind], body: { message: err.message } };
  if (isResticError(err)) {
    return {
      status: resticStatus(err.code, err.message),
      body: withDetails(firstLine(err.message), err.stderrTail),
    };
  }
  const fe = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return { status: 413, body: { message: 'Request body too large' } };
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      return { status: 415, body: { message: 'Unsupported content type: send application/json' } };
    return {
      status: fe.statusCode,
      body: { message: typeof fe.message === 'string' ? fe.message : 'Bad request' },
    };
  }
  return { status: 500, body: { message: 'Internal server error' } };
}

function resticStatus(code: string, message: string): number {
  if (/no matching ID found|no snapshot matches|no snapshot found|invalid id "/i.test(message)) return 404;
  if (code === 'invalid-argument' || code === 'unsupported') return 400;
  if (code === 'locked') return 409;
  return 500;
}

function withDetails(message: string, details: string | undefined): ErrorBody {
  return details ? { message, details } : { message };
}

const firstLine = (s: string) => s.split('\n')[0] ?? s;
