export { startRestServer } from './server.js';
export type { RunningRestServer } from './server.js';
export { ConfigError, DEFAULT_LISTEN, defaultDataPath } from './options.js';
export type { RestServerOptions } from './options.js';
export { Htpasswd, parseHtpasswd } from './auth/htpasswd.js';
export { parseListen } from './listen.js';
export * from './storage/index.js';
export { splitUrlPath, parseRemainder, OBJECT_TYPES } from './http/paths.js';
export type { ObjectType } from './http/paths.js';
