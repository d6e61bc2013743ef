export { Authenticator, type AuthMode, type AuthResult } from './authenticator.js';
export { hashPassword, verifyPassword, decodeStoredHash } from './passwords.js';
export { loadOrCreateJwtSecret } from './jwt-secret.js';
export { RateLimiter } from './rate-limit.js';
export { LoginThrottle, type LoginThrottleOptions } from './login-throttle.js';
export { installRouteGuard, identityOf, type Identity } from './route-guard.js';
export { routeAuth, type Access, type Face } from './route-access.js';
export { backrestFace, zerobyteFace } from './faces.js';
