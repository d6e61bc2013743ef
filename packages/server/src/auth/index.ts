export { Authenticator, type AuthMode, type AuthResult } from './authenticator.js';
export { hashPassword, verifyPassword, decodeStoredHash } from './passwords.js';
export { loadOrCreateJwtSecret } from './jwt-secret.js';
export { RateLimiter } from './rate-limit.js';
export { installAuthGuard, type RequestAuth } from './http-guard.js';
