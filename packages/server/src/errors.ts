// Domain errors thrown by services; one mapper (API layer) turns `kind` into a Connect code or HTTP status.
// Messages are safe to show to a client: never put secrets or stack traces in them.

export type DomainErrorKind =
  | 'not_found'
  | 'conflict'
  | 'validation'
  | 'invalid_argument'
  | 'failed_precondition'
  | 'unauthenticated'
  | 'permission_denied'
  | 'unavailable'
  | 'unimplemented'
  | 'cancelled'
  | 'internal';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A referenced object (repo, plan, operation, log, user...) does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  constructor(
    message: string,
    readonly resource?: string,
    readonly id?: string,
  ) {
    super(message);
  }
}

/** Optimistic concurrency failed (config modno mismatch) or the object already exists. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `plans[2].schedule.cron` or `repos[id=nas].env[0]`. */
  path: string;
  message: string;
}

/** Input failed validation; `issues` names EVERY bad field, not only the first. */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[] | string, prefix = 'validation error') {
    const list = typeof issues === 'string' ? [{ path: '', message: issues }] : issues;
    super(`${prefix}: ${list.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.issues = list;
  }
}

/** A request argument is malformed (not a stored-object validation problem). */
export class InvalidArgumentError extends DomainError {
  readonly kind = 'invalid_argument' as const;
}

/** The system is not in a state that allows the request (e.g. restore target exists). */
export class FailedPreconditionError extends DomainError {
  readonly kind = 'failed_precondition' as const;
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated' as const;
}

export class PermissionDeniedError extends DomainError {
  readonly kind = 'permission_denied' as const;
}

/** A resource is held by someone else (e.g. data dir locked by another process) or temporarily unusable. */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
}

export class UnimplementedError extends DomainError {
  readonly kind = 'unimplemented' as const;
}

/** The operation was cancelled (by the user or by shutdown). */
export class CancelledError extends DomainError {
  readonly kind = 'cancelled' as const;
}

/** An unexpected failure; the message must still be safe to show. */
export class InternalError extends DomainError {
  readonly kind = 'internal' as const;
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
