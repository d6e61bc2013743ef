import { Command, CommanderError } from 'commander';
import { clientCommands } from './commands/client.js';
import { localCommands } from './commands/local.js';
import { restServerCommand } from './commands/rest-server.js';
import { serveCommand } from './commands/serve.js';
import { RESTORA_VERSION } from './restora-version.js';

// Exit 2 for a usage mistake (unknown option, missing argument), as the client verbs' codes say.
const usageExit = (err: CommanderError) => {
  throw err.exitCode === 0 ? err : new CommanderError(2, err.code, err.message);
};

function withUsageExit(cmd: Command): Command {
  cmd.exitOverride(usageExit);
  for (const sub of cmd.commands) withUsageExit(sub);
  return cmd;
}

// Each command lives under commands/ and registers itself here; every body loads lazily, so help stays fast.
// With only = 'rest-server' (`restora rest-server`, which runs for days) the other commands' objects are not built:
// idle RSS over a repository 50.4 -> 50.1 MB at 1 s (rest-server/bench/idle-rss.ts).
export function buildProgram(only?: string): Command {
  const program = new Command('restora')
    .description('Restora: a self-hosted control plane for restic backups')
    .version(RESTORA_VERSION)
    // Options after a subcommand belong to it: `restora rest-server --version` is rest-server's own.
    .enablePositionalOptions();
  program.addCommand(restServerCommand());
  if (only === 'rest-server') return program.exitOverride(usageExit);
  program.addCommand(serveCommand());
  for (const c of [...clientCommands(), ...localCommands()]) program.addCommand(withUsageExit(c));
  program.exitOverride(usageExit);
  return program;
}
