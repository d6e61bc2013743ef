// Slows password guessing without locking out the owner: failed password checks are counted per address and per
// user; an address where the user signed in before skips the per-user count, and tokens, sessions and API keys are
// never throttled (only passwords are checked against it).
import { RateLimiter } from './rate-limit.js';

export interface LoginThrottleOptions {
  /** Failed password checks from one address per minute before it must wait (default 10). */
  perAddressPerMinute?: number;
  /** Failed checks for one user from unknown addresses per 15 minutes before those must wait (default 50). */
  perUserPer15Minutes?: number;
  now?: () => number;
}

const KNOWN_FOR_MS = 30 * 24 * 3600_000;
const MAX_KNOWN = 10_000;

export class LoginThrottle {
  private readonly byAddress: RateLimiter;
  private readonly byUser: RateLimiter;
  /** `user\0address` → until when that address counts as the user's own (after a successful sign-in). */
  private readonly known = new Map<string, number>();
  private readonly now: () => number;

  constructor(o: LoginThrottleOptions = {}) {
    this.now = o.now ?? Date.now;
    this.byAddress = new RateLimiter(o.perAddressPerMinute ?? 10, 60_000, this.now);
    this.byUser = new RateLimiter(o.perUserPer15Minutes ?? 50, 15 * 60_000, this.now);
  }

  /** Seconds to wait before a password for `user` from `address` may be checked, else 0. */
  wait(user: string, address: string): number {
    const a = this.byAddress.blocked(address);
    const u = this.isKnown(user, address) ? 0 : this.byUser.blocked(user);
    return Math.max(a, u);
  }

  /** Records the outcome of a password check. */
  record(user: string, address: string, ok: boolean): void {
    if (ok) {
      if (this.known.size >= MAX_KNOWN) this.known.clear();
      this.known.set(`${user}\0${address}`, this.now() + KNOWN_FOR_MS);
      return;
    }
    this.byAddress.hit(address);
    if (!this.isKnown(user, address)) this.byUser.hit(user);
  }

  private isKnown(user: string, address: string): boolean {
    return (this.known.get(`${user}\0${address}`) ?? 0) > this.now();
  }
}
