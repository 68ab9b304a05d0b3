/**
 * The state of one transactional id, and its record in __transaction_state:
 *
 *   key   int16 version 0, TransactionLogKey (transactionalId)
 *   value int16 version 0, TransactionLogValue (producer id and epoch, timeout, status, the
 *         partitions of the open transaction, last update and start times); null deletes it
 *
 * States as Kafka numbers them: Empty 0, Ongoing 1, PrepareCommit 2, PrepareAbort 3,
 * CompleteCommit 4, CompleteAbort 5, Dead 6, PrepareEpochFence 7.
 */
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';
import { decodeTransactionLogKey, encodeTransactionLogKey } from '../../protocol/generated/coordinator-records/TransactionLogKey.js';
import {
  decodeTransactionLogValue, encodeTransactionLogValue, type TransactionLogValue,
} from '../../protocol/generated/coordinator-records/TransactionLogValue.js';

export enum TxnState {
  Empty = 0,
  Ongoing = 1,
  PrepareCommit = 2,
  PrepareAbort = 3,
  CompleteCommit = 4,
  CompleteAbort = 5,
  Dead = 6,
  PrepareEpochFence = 7,
}

export const TXN_STATE_NAMES: Record<TxnState, string> = {
  [TxnState.Empty]: 'Empty',
  [TxnState.Ongoing]: 'Ongoing',
  [TxnState.PrepareCommit]: 'PrepareCommit',
  [TxnState.PrepareAbort]: 'PrepareAbort',
  [TxnState.CompleteCommit]: 'CompleteCommit',
  [TxnState.CompleteAbort]: 'CompleteAbort',
  [TxnState.Dead]: 'Dead',
  [TxnState.PrepareEpochFence]: 'PrepareEpochFence',
};

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export class TransactionMetadata {
  state = TxnState.Empty;
  readonly partitions = new Map<string, TopicPartitionRef>();
  startTimestamp = -1;
  /**
   * The epoch this id had before InitProducerId last bumped it (in memory only, as in Kafka), so
   * that a retry of that InitProducerId whose response was lost gets the same answer instead of
   * PRODUCER_FENCED (KIP-360); -1 when none, and reset when the epoch is bumped to fence.
   */
  lastProducerEpoch = -1;
  /** Serialises operations on this transactional id. */
  queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly transactionalId: string,
    public producerId: bigint,
    public producerEpoch: number,
    public timeoutMs: number,
    public lastUpdateTimestamp: number,
  ) {}

  addPartition(topic: string, partition: number): void {
    this.partitions.set(`${topic}\u0000${partition}`, { topic, partition });
  }

  /** Runs `op` after every earlier operation on this transactional id. */
  serialise<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  toValue(): TransactionLogValue {
    const byTopic = new Map<string, number[]>();
    for (const p of this.partitions.values()) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    return {
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      transactionTimeoutMs: this.timeoutMs,
      transactionStatus: this.state,
      transactionPartitions: [...byTopic].map(([topic, partitionIds]) => ({ topic, partitionIds })),
      transactionLastUpdateTimestampMs: BigInt(this.lastUpdateTimestamp),
      transactionStartTimestampMs: BigInt(this.startTimestamp),
    };
  }

  static fromValue(transactionalId: string, v: TransactionLogValue): TransactionMetadata {
    const m = new TransactionMetadata(transactionalId, v.producerId, v.producerEpoch, v.transactionTimeoutMs, Number(v.transactionLastUpdateTimestampMs));
    m.state = v.transactionStatus as TxnState;
    m.startTimestamp = Number(v.transactionStartTimestampMs);
    for (const t of v.transactionPartitions ?? []) for (const p of t.partitionIds) m.addPartition(t.topic, p);
    return m;
  }
}

export function transactionRecord(transactionalId: string, value: TransactionLogValue | null): { key: Buffer; value: Buffer | null } {
  const kw = new Writer(64);
  kw.int16(0);
  encodeTransactionLogKey(kw, { transactionalId }, 0);
  if (value === null) return { key: kw.toBuffer(), value: null };
  const vw = new Writer(128);
  vw.int16(0);
  encodeTransactionLogValue(vw, value, 0);
  return { key: kw.toBuffer(), value: vw.toBuffer() };
}

export function decodeTransactionRecord(key: Buffer, value: Buffer | null): { transactionalId: string; value: TransactionLogValue | null } | undefined {
  const kr = new Reader(key);
  if (kr.int16() !== 0) return undefined;
  const { transactionalId } = decodeTransactionLogKey(kr, 0);
  if (value === null) return { transactionalId, value: null };
  const vr = new Reader(value);
  const version = vr.int16();
  if (version < 0 || version > 1) return undefined;
  return { transactionalId, value: decodeTransactionLogValue(vr, version) };
}
