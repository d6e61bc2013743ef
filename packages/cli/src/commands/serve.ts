import { Command } from 'commander';
import type { ServeFlags } from '@restora/server';
import { serveCommandOptions } from '@restora/server/serve-flags';

/** `restora serve`: the orchestrator with Backrest's Connect API, until SIGINT/SIGTERM. */
export function serveCommand(): Command {
  const cmd = new Command('serve').description(
    "Run the Restora server: schedules, operation history and Backrest's API",
  );
  for (const o of serveCommandOptions) cmd.option(o.flags, `${o.description} [env ${o.env}]`);
  return cmd.action(async (flags: ServeFlags) => {
    // the server loads only when it runs: `restora serve --help` stays fast
    const { parseServeOptions, ServeOptionsError, startServer } = await import('@restora/server');
    let options;
    try {
      options = parseServeOptions(flags);
    } catch (err) {
      if (!(err instanceof ServeOptionsError)) throw err;
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    let server;
    try {
      server = await startServer(options);
    } catch (err) {
      console.error(`restora serve: ${(err as Error).message}`);
      process.exitCode = 1;
      return;
    }
    console.log(
      `restora serve listening on ${server.url} (config ${options.configFile}, data ${options.dataDir})`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) {
          console.error(`${signal} again: exiting now`);
          process.exit(1);
        }
        stopping = true;
        console.error(`${signal}: shutting down (running tasks are cancelled)`);
        server.close().then(resolve, (err: unknown) => {
          console.error(`shutdown failed: ${String(err)}`);
          process.exitCode = 1;
          resolve();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  });
}
