// Local verbs: no server needed. Bodies load only when run.
import { Command } from 'commander';
import { runVerb } from './run-verb.js';

export function localCommands(): Command[] {
  const config = new Command('config').description('work with a config file offline');
  config
    .command('check')
    .description('validate a Backrest/Restora config.json and name every bad field')
    .argument('[file]', 'config file (default $RESTORA_CONFIG or $XDG_CONFIG_HOME/restora/config.json)')
    .option('--data-dir <path>', "the server's data directory, whose secret.key opens sealed secrets")
    .option('--secret-key-file <path>', 'the sealing key, as for serve (or RESTORA_SECRET_KEY(_FILE))')
    .option('--json', 'print JSON for scripts')
    .action(
      async (file: string | undefined, f: { json?: boolean; dataDir?: string; secretKeyFile?: string }) => {
        await runVerb(undefined, async () => (await import('../local/config-check.js')).configCheck(file, f));
      },
    );
  const version = new Command('version')
    .description("restora's version, restic's, and the restic features the config needs but lacks")
    .option('--restic-cmd <path>', 'restic binary (default $RESTORA_RESTIC_COMMAND or restic on PATH)')
    .option(
      '--config-file <path>',
      'config to check (default $RESTORA_CONFIG or $XDG_CONFIG_HOME/restora/config.json)',
    )
    .option('--json', 'print JSON for scripts')
    .action(async (f: { resticCmd?: string; configFile?: string; json?: boolean }) => {
      await runVerb(undefined, async () => (await import('../local/version.js')).version(f));
    });
  return [config, version];
}
