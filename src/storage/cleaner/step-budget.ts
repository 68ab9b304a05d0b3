/**
 * StepBudget: cuts a cleaning pass into small synchronous steps. The pass reports the bytes it
 * processed; once `yieldEveryBytes` have gone by it waits one turn of the event loop (so appends,
 * fetches and flushes keep running) and then checks that it may go on (`check` throws
 * CleaningAborted when the log changed or the cleaner is stopping).
 *
 * Contract: one per log pass; never shared.
 */
export class StepBudget {
  private sinceYield = 0;

  constructor(
    private readonly yieldEveryBytes: number,
    private readonly check: () => void,
  ) {}

  /** Counts `bytes` of work; yields to the event loop when the budget is used up. */
  async consumed(bytes: number): Promise<void> {
    this.sinceYield += bytes;
    if (this.sinceYield < this.yieldEveryBytes) return;
    await this.yieldNow();
  }

  /** Yields to the event loop now, then checks that the pass may go on. */
  async yieldNow(): Promise<void> {
    this.sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }
}
