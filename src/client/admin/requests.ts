/**
 * Request plumbing shared by the admin operations: picking a broker and the API version to
 * speak with it, grouping partitions by leader, and retrying only the items (topics, partitions,
 * groups) that failed with a retriable Kafka error.
 *
 * Requests are built for the version actually chosen: `call` gives the builder the negotiated
 * version so it only sets fields that exist there.
 */
import type { ApiMessages } from '../../protocol/generated/api-registry.js';
import { API_DEFINITIONS } from '../../protocol/generated/api-registry.js';
import { ErrorCode, errorInfo } from '../../protocol/generated/error-codes.js';
import type { BrokerConnection } from '../broker-connection.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';

export type Target = 'any' | 'controller' | number;

/** An open connection to the target: a node, the controller, or any reachable broker. */
export async function connectionTo(client: KafkaClient, to: Target): Promise<BrokerConnection> {
  if (typeof to === 'number') return client.connection(to);
  if (to === 'controller' && client.metadata.controllerId >= 0) return client.connection(client.metadata.controllerId);
  let nodes = [...client.metadata.brokers.keys()];
  if (nodes.length === 0) nodes = [...(await client.refreshMetadata([])).brokers.keys()];
  let lastError: unknown = new ClientError('CONNECT', 'no broker is known');
  for (const nodeId of nodes) {
    try {
      return await client.connection(nodeId);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

/** The version to use for an API on a connection (at most `cap`, at least `min`), or UNSUPPORTED. */
export function versionFor(conn: BrokerConnection, apiKey: number, cap: number, min = 0): number {
  const v = conn.version(apiKey, cap);
  if (v === undefined || v < min) {
    const name = API_DEFINITIONS.get(apiKey)?.name ?? `API ${apiKey}`;
    throw new ClientError('UNSUPPORTED', `${conn.address} supports no version ${min}..${cap} of ${name}`);
  }
  return v;
}

/** Sends one request to `to`, built by `build` for the negotiated version. */
export async function call<K extends keyof ApiMessages>(
  client: KafkaClient,
  to: Target,
  apiKey: K,
  cap: number,
  build: (version: number) => ApiMessages[K]['request'],
  min = 0,
): Promise<{ version: number; response: ApiMessages[K]['response'] }> {
  const conn = await connectionTo(client, to);
  const version = versionFor(conn, apiKey, cap, min);
  const response = await conn.request(apiKey, build(version), version);
  return { version, response };
}

/** The name of a Kafka error code (null for NONE). */
export function errorName(code: number): string | null {
  if (code === ErrorCode.NONE) return null;
  return errorInfo(code)?.name ?? `ERROR_${code}`;
}

export function isRetriable(code: number): boolean {
  return code !== ErrorCode.NONE && (errorInfo(code)?.retriable ?? false);
}

/** Throws a ClientError for a non-zero Kafka error code. */
export function check(code: number | undefined, context: string, detail?: string | null): void {
  if (code !== undefined && code !== ErrorCode.NONE) throw ClientError.kafka(code, context, detail);
}

export interface ItemOutcome {
  errorCode: number;
  errorMessage?: string | null;
}

/**
 * Runs `attempt` over the items not settled yet, under the client's retry policy: an item whose
 * outcome carries a retriable error (other than UNKNOWN_TOPIC_OR_PARTITION) is tried again
 * (after a metadata refresh), every other outcome is final. `attempt` must report on every item
 * it is given. When the retries run out, the last retriable outcomes are returned as they are.
 */
export async function settleItems<I, R extends ItemOutcome>(
  client: KafkaClient,
  items: readonly I[],
  keyOf: (item: I) => string,
  attempt: (pending: I[]) => Promise<Map<string, R>>,
): Promise<Map<string, R>> {
  const settled = new Map<string, R>();
  let retriable = new Map<string, R>();
  try {
    await client.withRetries(async () => {
      const pending = items.filter((i) => !settled.has(keyOf(i)));
      if (pending.length === 0) return;
      const outcomes = await attempt(pending);
      retriable = new Map();
      for (const [key, outcome] of outcomes) {
        // An unknown topic in a per-item answer is the answer (Kafka's admin client does not wait it out).
        if (isRetriable(outcome.errorCode) && outcome.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) retriable.set(key, outcome);
        else settled.set(key, outcome);
      }
      const first = retriable.entries().next();
      if (!first.done) throw ClientError.kafka(first.value[1].errorCode, first.value[0], first.value[1].errorMessage);
    });
  } catch (e) {
    if (!(e instanceof ClientError && e.code === 'KAFKA' && retriable.size > 0)) throw e;
    for (const [key, outcome] of retriable) settled.set(key, outcome);
  }
  return settled;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

/**
 * Groups partitions by the node leading them, from the client's metadata (fetched for topics it
 * does not know). Partitions that cannot be routed come back in `failed` with the error code
 * explaining why (UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that does not exist,
 * LEADER_NOT_AVAILABLE while there is no leader).
 */
export async function groupByLeader<P extends TopicPartition>(client: KafkaClient, partitions: readonly P[]): Promise<{ byLeader: Map<number, P[]>; failed: Map<string, ItemOutcome> }> {
  const byLeader = new Map<number, P[]>();
  const failed = new Map<string, ItemOutcome>();
  const stale = new Set<string>();
  for (const p of partitions) {
    const t = client.metadata.topics.get(p.topic);
    if (!t || t.errorCode !== ErrorCode.NONE || !t.partitions.some((x) => x.partition === p.partition && x.leader >= 0)) stale.add(p.topic);
  }
  if (stale.size > 0) await client.refreshMetadata([...stale]);
  for (const p of partitions) {
    const topic = client.metadata.topics.get(p.topic);
    if (!topic || (topic.errorCode !== ErrorCode.NONE && topic.partitions.length === 0)) {
      // An unknown topic is an answer for an admin request, not something to wait out.
      const code = topic?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      failed.set(tpKey(p), { errorCode: code, errorMessage: `topic ${p.topic}` });
      continue;
    }
    const info = topic.partitions.find((x) => x.partition === p.partition);
    if (!info) {
      failed.set(tpKey(p), { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `${p.topic}-${p.partition}` });
      continue;
    }
    if (info.leader < 0) {
      failed.set(tpKey(p), { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, errorMessage: `${p.topic}-${p.partition}` });
      continue;
    }
    const list = byLeader.get(info.leader);
    if (list) list.push(p);
    else byLeader.set(info.leader, [p]);
  }
  return { byLeader, failed };
}

/** Items grouped by topic, preserving first-seen order. */
export function byTopic<P extends TopicPartition>(partitions: readonly P[]): Map<string, P[]> {
  const out = new Map<string, P[]>();
  for (const p of partitions) {
    const list = out.get(p.topic);
    if (list) list.push(p);
    else out.set(p.topic, [p]);
  }
  return out;
}
