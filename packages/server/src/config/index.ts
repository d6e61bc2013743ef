// Public surface of the config layer (re-exported by the package entry).
export * from './types.js';
export { resolvePaths, dataPaths } from './paths.js';
export { openConfigStore, createMemoryConfigStore, ConfigStoreImpl, MODNO_MISMATCH } from './config-store.js';
export type { OpenConfigStoreOptions } from './config-store.js';
export { parseConfigJson, serializeConfig } from './codec.js';
export { defaultConfig } from './defaults.js';
export { migrateConfig } from './migrations.js';
export { validateConfig, assertValidConfig } from './validate.js';
export type { ValidationResult } from './validate.js';
export { cronProblem, scheduleEnabled } from './validate-schedule.js';
export { redactConfig, restoreRedacted, isSecretEnv } from './redact.js';
export { writeFileAtomicSync } from './atomic-write.js';
export { shlexSplit } from './shlex.js';
export { generateIdentity } from './identity.js';
