// `restora serve` flags as data, with no imports: the CLI's help lists them without loading the server.
/** Flag definitions for the CLI (commander-style), in help order. `env` is the variable that sets it too. */
export const serveCommandOptions = [
  {
    flags: '--bind-address <host:port>',
    env: 'RESTORA_PORT',
    description: 'address to listen on (default 127.0.0.1:9898; a bare port listens on all interfaces)',
  },
  {
    flags: '--config-file <path>',
    env: 'RESTORA_CONFIG',
    description: 'config.json (default $XDG_CONFIG_HOME/restora/config.json)',
  },
  {
    flags: '--data-dir <path>',
    env: 'RESTORA_DATA',
    description: 'data directory (default $XDG_DATA_HOME/restora)',
  },
  {
    flags: '--restic-cmd <path>',
    env: 'RESTORA_RESTIC_COMMAND',
    description: 'restic binary (default restic on PATH)',
  },
  {
    flags: '--locked-down',
    env: 'RESTORA_LOCKED_DOWN',
    description: 'disable PathAutocomplete, RunCommand, command hooks and repo settings that run programs',
  },
  {
    flags: '--disable-path-autocomplete',
    env: 'RESTORA_DISABLE_PATH_AUTOCOMPLETE',
    description: 'disable PathAutocomplete',
  },
  { flags: '--disable-run-command', env: 'RESTORA_DISABLE_RUN_COMMAND', description: 'disable RunCommand' },
  {
    flags: '--disable-command-hooks',
    env: 'RESTORA_DISABLE_COMMAND_HOOKS',
    description: 'refuse to run command hooks',
  },
  {
    flags: '--secret-key-file <path>',
    env: 'RESTORA_SECRET_KEY_FILE',
    description:
      'key sealing secrets at rest, e.g. a systemd credential (default <data>/secret.key; or RESTORA_SECRET_KEY)',
  },
  {
    flags: '--web-dir <path>',
    env: 'RESTORA_WEB_DIR',
    description: 'built web UI to serve at / (default: the bundled one when present)',
  },
  {
    flags: '--trusted-proxies <list>',
    env: 'RESTORA_TRUSTED_PROXIES',
    description:
      'comma list of reverse proxy addresses or CIDRs whose X-Forwarded-For names the client (default: none)',
  },
  {
    flags: '--log-level <level>',
    env: 'RESTORA_LOG_LEVEL',
    description: 'fatal, error, warn, info, debug or trace (default info)',
  },
  {
    flags: '--log-format <format>',
    env: 'RESTORA_LOG_FORMAT',
    description: 'console lines: json or pretty (default pretty on a terminal, json otherwise)',
  },
  {
    flags: '--webhook-allowed-origins <origins>',
    env: 'WEBHOOK_ALLOWED_ORIGINS',
    description: 'comma list of origins Zerobyte backup webhooks may call (default: none)',
  },
  {
    flags: '--webhook-timeout <seconds>',
    env: 'WEBHOOK_TIMEOUT',
    description: 'time limit of one backup webhook call (default 60)',
  },
  {
    flags: '--enable-dev-panel',
    env: 'ENABLE_DEV_PANEL',
    description:
      "Zerobyte's dev panel: allow-listed restic commands on a repository from a browser session (default off)",
  },
] as const;
