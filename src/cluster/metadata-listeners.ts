/**
 * MetadataListeners: the part every MetadataStore shares: the view's epoch, the listeners told of
 * each applied change (in order, one at a time), and the callers waiting for a condition on the
 * view. A listener that throws is a bug in the broker; the error is reported once per listener
 * and the others still hear of the change.
 */
import type { MetadataChange } from '../broker/metadata/metadata-store.js';

interface Waiter {
  condition: () => boolean;
  resolve: () => void;
  timer: NodeJS.Timeout;
}

export class MetadataListeners {
  private readonly listeners: ((change: MetadataChange) => void)[] = [];
  private readonly waiters = new Set<Waiter>();
  private currentEpoch = 0;
  private closed = false;

  constructor(private readonly onListenerError: (e: unknown) => void = (e) => queueMicrotask(() => { throw e; })) {}

  get epoch(): number {
    return this.currentEpoch;
  }

  add(listener: (change: MetadataChange) => void): void {
    this.listeners.push(listener);
  }

  /** Raises the epoch, tells every listener, then wakes the waiters whose condition now holds. */
  announce(change: MetadataChange): void {
    this.currentEpoch++;
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (e) {
        this.onListenerError(e);
      }
    }
    this.recheck();
  }

  /** Wakes the waiters whose condition now holds, without a change (the view advanced silently). */
  recheck(): void {
    for (const w of [...this.waiters]) {
      if (!w.condition()) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve();
    }
  }

  waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the metadata store is closed'));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        condition,
        resolve,
        timer: setTimeout(() => {
          this.waiters.delete(w);
          reject(new Error(`metadata did not reach the expected state within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.add(w);
    });
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
  }
}
