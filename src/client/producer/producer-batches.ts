/**
 * The producer's bookkeeping: a send() call waiting for its records' results, the batches records
 * are appended to, and each partition's queue of batches.
 *
 * Contract: owned by one Producer; not shared.
 */
import type { RecordInput } from '../../protocol/records/batch-builder.js';
import type { RecordMetadata } from './producer-options.js';

/** Kafka's batch header plus the v2 format's per-batch bytes, for the size estimate. */
export const BATCH_OVERHEAD = 61;

/** One send() call: its records' results, filled in as their batches complete. */
export class SendCall {
  readonly results: RecordMetadata[];
  private remaining: number;
  private settled = false;
  readonly promise: Promise<RecordMetadata[]>;
  private resolveFn!: (r: RecordMetadata[]) => void;
  private rejectFn!: (e: Error) => void;

  constructor(readonly topic: string, count: number) {
    this.results = new Array<RecordMetadata>(count);
    this.remaining = count;
    this.promise = new Promise((resolve, reject) => {
      this.resolveFn = resolve;
      this.rejectFn = reject;
    });
    // The caller may never see this promise (send() failed before returning it): never unhandled.
    this.promise.catch(() => undefined);
  }

  fill(index: number, partition: number, offset: number): void {
    this.results[index] = { topic: this.topic, partition, offset };
    if (--this.remaining === 0 && !this.settled) {
      this.settled = true;
      this.resolveFn(this.results);
    }
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.rejectFn(error);
  }
}

export interface BatchEntry {
  call: SendCall;
  index: number;
}

export class ProducerBatch {
  readonly records: RecordInput[] = [];
  readonly entries: BatchEntry[] = [];
  size = BATCH_OVERHEAD;
  /** Full, or taken for sending: no more records go in. */
  closed = false;
  /** The encoded batch, built on first send and re-sent unchanged by retries. */
  bytes: Buffer | undefined;
  baseSequence = -1;
  /** The producer id generation the bytes were built for (idempotence). */
  pidGeneration = -1;
  attempts = 0;
  retryAt = 0;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => { this.resolveDone = resolve; });

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdAt: number,
    readonly deadline: number,
  ) {}

  complete(baseOffset: number): void {
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      e.call.fill(e.index, this.partition, baseOffset < 0 ? -1 : baseOffset + i);
    }
    this.resolveDone();
  }

  fail(error: Error): void {
    for (const e of this.entries) e.call.fail(error);
    this.resolveDone();
  }
}

export class PartitionState {
  readonly batches: ProducerBatch[] = [];
  inFlight = false;
  nextSequence = 0;
  constructor(readonly topic: string, readonly partition: number) {}
}

/** The partition's batch still taking records, if any. */
export function openBatch(state: PartitionState): ProducerBatch | undefined {
  const last = state.batches[state.batches.length - 1];
  return last && !last.closed ? last : undefined;
}

