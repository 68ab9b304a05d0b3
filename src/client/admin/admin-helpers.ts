/**
 * Helpers the admin operation modules share: the AdminContext they run in and small
 * result-shaping functions.
 *
 * Contract: pure functions; nothing here owns or closes the client.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import { errorName, tpKey, type ItemOutcome, type TopicPartition } from './requests.js';
import type { PartitionResult } from './admin-types.js';

/** What the admin operations share: the client and the default timeout of the Admin. */
export interface AdminContext {
  readonly client: KafkaClient;
  readonly timeoutMs: number;
}

/** Marks items the response said nothing about as UNKNOWN_SERVER_ERROR (final). */
export function withMissing<R extends ItemOutcome>(out: Map<string, R>, keys: readonly string[]): Map<string, R> {
  for (const k of keys) if (!out.has(k)) out.set(k, { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'missing from the response' } as R);
  return out;
}

export function throwFirst<T extends { errorCode: number; errorMessage: string | null }>(results: readonly T[], context: (r: T) => string): void {
  const failed = results.find((r) => r.errorCode !== ErrorCode.NONE);
  if (failed) throw ClientError.kafka(failed.errorCode, context(failed), failed.errorMessage);
}

export function partitionResults(items: readonly TopicPartition[], outcomes: Map<string, ItemOutcome>): PartitionResult[] {
  return items.map((p) => {
    const code = outcomes.get(tpKey(p))?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return { topic: p.topic, partition: p.partition, errorCode: code, error: errorName(code) };
  });
}

export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
