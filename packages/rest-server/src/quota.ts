/** Quota over the whole data directory (--max-size); usage is reserved before a write starts. */
export class Quota {
  constructor(
    readonly max: number,
    private used: number,
  ) {}

  get usage(): number {
    return this.used;
  }

  /** Reserves `n` bytes; false when that would exceed the maximum. */
  tryReserve(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}
