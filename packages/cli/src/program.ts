import { Command } from 'commander';
import { restServerCommand } from './commands/rest-server.js';
import { serveCommand } from './commands/serve.js';

// Each subcommand lives in its own file under commands/ and registers itself here.
export function buildProgram(): Command {
  const program = new Command('restora')
    .description('Restora: a self-hosted control plane for restic backups')
    .version('0.1.0')
    // Options after a subcommand belong to it: `restora rest-server --version` is rest-server's own.
    .enablePositionalOptions();
  program.addCommand(restServerCommand());
  program.addCommand(serveCommand());
  return program;
}
