// Time source for the scheduler; injected so tests can drive time (and simulate sleep or clock jumps).
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export interface TimerHandle {
  readonly id: number;
}

let nextTimerId = 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    t.unref?.();
    return Object.assign({ id: nextTimerId++ }, { t });
  },
  clearTimer(handle) {
    clearTimeout((handle as unknown as { t: NodeJS.Timeout }).t);
  },
};
