/**
 * How many fsyncs may occupy libuv's thread pool at once, process-wide.
 *
 * Segment writes, fetch reads and fsyncs share the pool (UV_THREADPOOL_SIZE threads, 4 unless
 * set). An fsync can take tens of milliseconds when the kernel is writing back other dirty data;
 * with one fsync per log in flight, a few partitions under acks=all could hold every thread, and
 * the writes that make records visible and the reads that serve consumers would queue behind
 * them. Limiting fsyncs to half the pool keeps threads free for those; an fsync that waits for a
 * slot covers more appended data once it runs (group commit gets wider, not slower).
 *
 * Contract: event-loop only; `run` is FIFO and never rejects for its own reasons.
 */
export class SyncSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly slots: number) {}

  /** Runs `fsync` once a slot is free; the slot is released when its promise settles. */
  async run<T>(fsync: () => Promise<T>): Promise<T> {
    if (this.busy >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy++;
    const started = fsyncObservers.size > 0 ? performance.now() : 0;
    try {
      return await fsync();
    } finally {
      if (started > 0) for (const o of fsyncObservers) o((performance.now() - started) / 1000);
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    }
  }

  get inUse(): number {
    return this.busy;
  }

  get queued(): number {
    return this.waiting.length;
  }
}

const fsyncObservers = new Set<(seconds: number) => void>();

/** Calls `observer` with the duration of every fsync from now on (metrics); returns how to stop. */
export function onFsync(observer: (seconds: number) => void): () => void {
  fsyncObservers.add(observer);
  return () => fsyncObservers.delete(observer);
}

/** libuv's thread-pool size as this process has it (read once, at its first use). */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/** The process-wide slots every fdatasync of a storage file goes through. */
export const fsyncSlots = new SyncSlots(Math.max(1, Math.floor(threadPoolSize() / 2)));
