// Typed storage failures; the HTTP layer maps each to rest-server's status.
export class ExistsError extends Error {
  override name = 'ExistsError';
}
export class HashMismatchError extends Error {
  override name = 'HashMismatchError';
  constructor(message = 'content does not match its SHA-256 name') {
    super(message);
  }
}
export class IncompleteBodyError extends Error {
  override name = 'IncompleteBodyError';
}
export class NoSpaceError extends Error {
  override name = 'NoSpaceError';
}
export class RepoMissingError extends Error {
  override name = 'RepoMissingError';
}

export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
