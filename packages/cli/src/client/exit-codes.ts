// What a client verb's exit status says: scripts branch on these (documented in packages/cli/README.md).
export const EXIT = {
  ok: 0,
  /** anything unexpected: a server error, a broken stream */
  error: 1,
  /** bad arguments or a request the server refused as invalid */
  usage: 2,
  /** the operation ran and failed */
  failed: 3,
  /** the operation was cancelled (by a user or the server) */
  cancelled: 4,
  /** no such plan, repo, snapshot or operation */
  notFound: 5,
  /** not signed in, bad credentials, or not allowed */
  auth: 6,
  /** no server answered at --server */
  unreachable: 7,
} as const;

/** An error that ends the command with one line on stderr and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
