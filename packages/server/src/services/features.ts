// Switches for locked-down installs: features that run commands or expose the server's filesystem.
export interface ServerFeatures {
  /** PathAutocomplete lists server directories. */
  pathAutocomplete: boolean;
  /** RunCommand runs arbitrary restic commands. */
  runCommand: boolean;
  /** Command hooks run shell commands. */
  commandHooks: boolean;
}

export const ALL_FEATURES: ServerFeatures = { pathAutocomplete: true, runCommand: true, commandHooks: true };
