// Runs a verb's lazily loaded body: its exit code, or one line naming the cause on stderr.
export async function runVerb(server: string | undefined, body: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await body();
  } catch (err) {
    const { toCliError } = await import('../client/errors.js');
    const { serverUrl } = await import('../client/connection.js');
    let where = server ?? '';
    try {
      where = serverUrl(server);
    } catch {
      // a bad --server is itself the error being reported
    }
    const e = toCliError(err, where);
    process.stderr.write(`restora: ${e.message}\n`);
    process.exitCode = e.exitCode;
  }
}
