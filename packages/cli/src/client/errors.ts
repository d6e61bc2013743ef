// One line naming the cause for every failure a client verb meets, with the exit code it maps to.
import { Code, ConnectError } from '@connectrpc/connect';
import { CliError, EXIT } from './exit-codes.js';

const BY_CODE: Partial<Record<Code, number>> = {
  [Code.NotFound]: EXIT.notFound,
  [Code.Unauthenticated]: EXIT.auth,
  [Code.PermissionDenied]: EXIT.auth,
  [Code.InvalidArgument]: EXIT.usage,
  [Code.FailedPrecondition]: EXIT.usage,
  [Code.AlreadyExists]: EXIT.usage,
  [Code.Canceled]: EXIT.cancelled,
};

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|EAI_AGAIN|socket hang up/;

/** Maps any error to a CliError; `server` names where we tried to connect. */
export function toCliError(err: unknown, server: string): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof ConnectError) {
    const cause = err.cause instanceof Error ? err.cause : undefined;
    const raw = `${err.rawMessage} ${cause?.message ?? ''} ${(cause as { code?: string } | undefined)?.code ?? ''}`;
    if (err.code === Code.Unavailable || UNREACHABLE.test(raw))
      return new CliError(
        `cannot reach the server at ${server} (${firstLine(raw.trim())})`,
        EXIT.unreachable,
      );
    if (err.code === Code.Unauthenticated)
      return new CliError(
        `not signed in to ${server}: ${err.rawMessage} (run \`restora login\` or set RESTORA_USER and RESTORA_PASSWORD)`,
        EXIT.auth,
      );
    return new CliError(firstLine(err.rawMessage) || Code[err.code], BY_CODE[err.code] ?? EXIT.error);
  }
  const msg = err instanceof Error ? err.message : String(err);
  if (UNREACHABLE.test(msg))
    return new CliError(`cannot reach the server at ${server} (${firstLine(msg)})`, EXIT.unreachable);
  return new CliError(firstLine(msg), EXIT.error);
}

const firstLine = (s: string) => s.split('\n')[0] ?? '';
