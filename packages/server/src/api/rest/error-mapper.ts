// The one REST error mapper: domain errors, REST errors and Fastify's own 4xx become `{ message, details? }`.
import { ValidationError } from '../../errors.js';
import { classifyError, HTTP_STATUS } from '../error-table.js';
import { HttpError } from './http-error.js';

export interface ErrorBody {
  message: string;
  details?: string;
}

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
  const known = classifyError(err);
  if (known) return { status: HTTP_STATUS[known.kind], body: withDetails(known.message, known.details) };
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

function withDetails(message: string, details: string | undefined): ErrorBody {
  return details ? { message, details } : { message };
}
