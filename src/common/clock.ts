/**
 * Time as the rest of Gregor sees it, injectable so that timeouts, retention and expiry are
 * tested without waiting: `now()` in epoch milliseconds and timers that can be cancelled.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Runs fn after delayMs; the timer does not keep the process alive. */
  schedule(delayMs: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const t = setTimeout(fn, delayMs);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * A clock that moves only when told to: `advance(ms)` runs every timer that falls due, in order.
 */
export class ManualClock implements Clock {
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  private seq = 0;

  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): Timer {
    const entry = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  }

  /** Moves time forward, running due timers (including ones they schedule) in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => !t.cancelled && t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = target;
  }

  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}

/** Runs fn every intervalMs on `clock` until the returned timer is cancelled. */
export function repeat(clock: Clock, intervalMs: number, fn: () => void): Timer {
  let stopped = false;
  let current: Timer | undefined;
  const tick = (): void => {
    if (stopped) return;
    fn();
    current = clock.schedule(intervalMs, tick);
  };
  current = clock.schedule(intervalMs, tick);
  return {
    cancel() {
      stopped = true;
      current?.cancel();
    },
  };
}
