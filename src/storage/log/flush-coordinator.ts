/**
 * FlushCoordinator: group commit for one partition log. Callers ask for durability up to an
 * offset; one fsync covers every append made before it started, and appends that arrive while
 * it runs share the next one. So N producers waiting on acks=all cost about two fsyncs, not N.
 *
 * Contract: owned by one PartitionLog. `flushOnce` is supplied by the log and syncs whatever
 * the log holds when it is called; it returns the offset made durable.
 */
interface Waiter {
  offset: number;
  resolve(): void;
  reject(err: unknown): void;
}

export class FlushCoordinator {
  private waiters: Waiter[] = [];
  private inFlight = false;
  private failure: unknown;
  flushCount = 0;

  constructor(
    private durableOffset: number,
    private readonly flushOnce: () => Promise<number>,
  ) {}

  /** Offsets below this are durable. */
  get flushedOffset(): number {
    return this.durableOffset;
  }

  /** Resolves once every offset below `offset` is durable. */
  waitDurable(offset: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (offset <= this.durableOffset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ offset, resolve, reject });
      this.kick();
    });
  }

  /** Starts a flush if none is running (used by flush.messages and flush.ms). */
  requestFlush(): Promise<void> {
    return this.waitDurable(Number.MAX_SAFE_INTEGER).catch(() => undefined);
  }

  private kick(): void {
    if (this.inFlight || this.waiters.length === 0) return;
    this.inFlight = true;
    this.flushCount++;
    // Start on the next turn of the event loop, so that every append made in this turn (all the
    // requests parsed from one socket read, say) shares this fsync.
    setImmediate(() => this.runFlush());
  }

  private runFlush(): void {
    this.flushOnce().then(
      (durable) => {
        this.inFlight = false;
        this.durableOffset = Math.max(this.durableOffset, durable);
        const still: Waiter[] = [];
        for (const w of this.waiters) {
          if (w.offset <= this.durableOffset || w.offset === Number.MAX_SAFE_INTEGER) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
        this.kick();
      },
      (err: unknown) => {
        this.inFlight = false;
        this.failure = err;
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) w.reject(err);
      },
    );
  }

  /** Moves the durable point back (after truncation) or forward (after recovery). */
  reset(offset: number): void {
    this.durableOffset = offset;
  }
}
