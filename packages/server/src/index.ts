// Public API of @restora/server.
export { startServer, type ServerOptions, type RunningServer } from './app.js';
export { parseServeOptions, serveCommandOptions, ServeOptionsError, type ServeFlags } from './main.js';
export type { ServerFeatures } from './config/features.js';
export { hashPassword } from './auth/passwords.js';
export * from './errors.js';
export * from './config/index.js';
export * from './oplog/index.js';
export { Engine, TaskFailedError, type EngineOptions, type RunHandle, type RepoTaskKind } from './engine.js';
export { detectRestic, resticGaps, type ResticGap } from './console/index.js';
