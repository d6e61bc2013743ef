// Public surface of the operation log (re-exported by the package entry).
export * from './types.js';
export { SqliteOpLog } from './sqlite-store.js';
export type { SqliteOpLogOptions } from './sqlite-store.js';
export { MemoryOpLog } from './memory-store.js';
export { SCRUB_MESSAGE } from './emitter.js';
export { KIND_CODES } from './columns.js';
export { opMatches } from './selector.js';
export { FileLogStore, TASK_LOG_TTL_MS, DEFAULT_MAX_LOG_BYTES, missingLogMessage } from './log-store.js';
