// Switches for locked-down installs: features that run commands or expose the server's filesystem.
export interface ServerFeatures {
  /** PathAutocomplete lists server directories. */
  pathAutocomplete: boolean;
  /** RunCommand runs arbitrary restic commands. */
  runCommand: boolean;
  /** Command hooks run shell commands. */
  commandHooks: boolean;
  /**
   * Repo and plan settings may make restic, ssh or rclone run a program (`--password-command`, `-o sftp.command`,
   * RESTIC_PASSWORD_COMMAND, ...); off on a locked-down install (tasks/program-policy.ts). Default true.
   */
  repoPrograms?: boolean;
}

export const ALL_FEATURES: ServerFeatures = {
  pathAutocomplete: true,
  runCommand: true,
  commandHooks: true,
  repoPrograms: true,
};
