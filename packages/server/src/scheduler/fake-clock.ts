import type { Clock, TimerHandle } from './clock.js';

interface FakeTimer {
  id: number;
  due: number;
  fn: () => void;
}

// Deterministic clock for tests: time moves only through advance()/jump().
export class FakeClock implements Clock {
  private t: number;
  private timers: FakeTimer[] = [];
  private seq = 1;

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.seq++, due: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  // Moves time forward, firing due timers in order (timers set by callbacks fire too if due).
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.due > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.due);
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }

  // Changes wall time without firing timers, like a suspend/resume or an NTP correction: pending timers
  // keep their remaining delay (Node timers run on a monotonic clock that stops during suspend).
  jump(ms: number): void {
    this.t += ms;
    for (const timer of this.timers) timer.due += ms;
  }

  set(time: number | Date): void {
    this.t = typeof time === 'number' ? time : time.getTime();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
