// What the CLI's offline verbs need (config check, version, the login file), without the HTTP server: importing the
// package entry loads Fastify and every service, three times the start-up CPU.
export * from './config/index.js';
export { ValidationError } from './errors.js';
export { KEY_FILE_NAME, loadSecretKey, openConfig, SecretBox, takeKeySource } from './secrets/index.js';
export { detectRestic, resticGaps, type ResticGap } from './console/restic-version.js';
