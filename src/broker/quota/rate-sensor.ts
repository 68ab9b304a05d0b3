/**
 * A rate over sliding sample windows, as Kafka's quota metrics measure: `samples` windows of
 * `windowMs` each; the rate is the sum of the live samples over the time they cover (at least
 * samples-1 full windows, so a burst right after a quiet spell is not read as an enormous rate).
 * Throttle time follows Kafka's QuotaUtils: (rate - quota) / quota * window span.
 *
 * Contract: event-loop only; time comes from the caller.
 */
export class RateSensor {
  private readonly starts: number[] = [];
  private readonly values: number[] = [];

  constructor(
    private readonly samples: number,
    private readonly windowMs: number,
  ) {}

  record(value: number, now: number): void {
    const last = this.starts.length - 1;
    if (last >= 0 && now < this.starts[last]! + this.windowMs) {
      this.values[last]! += value;
    } else {
      this.starts.push(now - ((now - (last >= 0 ? this.starts[last]! : now)) % this.windowMs));
      this.values.push(value);
    }
    this.expire(now);
  }

  private expire(now: number): void {
    while (this.starts.length > 0 && this.starts[0]! + this.samples * this.windowMs <= now) {
      this.starts.shift();
      this.values.shift();
    }
  }

  /** The time the rate is measured over, in ms. */
  span(now: number): number {
    this.expire(now);
    const oldest = this.starts[0] ?? now;
    return Math.max(now - oldest, (this.samples - 1) * this.windowMs);
  }

  /** Per second. */
  rate(now: number): number {
    const span = this.span(now);
    const total = this.values.reduce((a, b) => a + b, 0);
    return span > 0 ? (total * 1000) / span : 0;
  }

  /** How long to hold the client back so that its rate falls to `quota` (per second), 0 if under it. */
  throttleMs(quota: number, now: number): number {
    const rate = this.rate(now);
    if (rate <= quota) return 0;
    return Math.round(((rate - quota) / quota) * this.span(now));
  }
}
