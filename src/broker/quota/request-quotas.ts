/**
 * Where a request meets the client quotas (called by the Connection once the handler answered):
 * records what the request cost against each quota type that applies to it, and returns the
 * response to send and how long the client is throttled, as Kafka's KafkaApis does:
 *   Produce         its size on the wire (producer_byte_rate), also with acks=0
 *   Fetch           from a consumer, the record bytes of the response (consumer_byte_rate); a
 *                   throttled fetch is answered without records, and its bytes are not counted
 *   CreateTopics, CreatePartitions, DeleteTopics   partitions created or deleted (controller_mutation_rate)
 *   every API but ApiVersions and SASL             event-loop time of its handler (request_percentage)
 * The largest of the throttle times is what the response carries and how long the connection
 * stops reading.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { FetchResponse } from '../../protocol/generated/messages/FetchResponse.js';
import type { QuotaManager } from './quota-manager.js';

export interface RequestCost {
  apiKey: number;
  version: number;
  user: string;
  clientId: string;
  requestBytes: number;
  handlerMs: number;
  /** Partitions the request creates or deletes (controller mutations). */
  mutations: number;
  /** A follower's fetch (replica id >= 0): not a consumer. */
  fromReplica: boolean;
}

const UNMETERED = new Set<number>([ApiKey.ApiVersions, ApiKey.SaslHandshake, ApiKey.SaslAuthenticate]);

function fetchedBytes(r: FetchResponse): number {
  let n = 0;
  for (const t of r.responses) for (const p of t.partitions) n += p.records?.length ?? 0;
  return n;
}

export function applyQuotas(quotas: QuotaManager, cost: RequestCost, response: unknown, now: number): { response: unknown; throttleMs: number } {
  if (!quotas.active || UNMETERED.has(cost.apiKey)) return { response, throttleMs: 0 };
  const { user, clientId } = cost;
  let throttle = quotas.record('request', user, clientId, cost.handlerMs, now);
  let out = response;
  if (cost.apiKey === ApiKey.Produce) {
    throttle = Math.max(throttle, quotas.record('produce', user, clientId, cost.requestBytes, now));
  } else if (cost.apiKey === ApiKey.Fetch && !cost.fromReplica && typeof response === 'object' && response !== null) {
    const fetch = response as FetchResponse;
    const bytes = fetchedBytes(fetch);
    const fetchThrottle = quotas.record('fetch', user, clientId, bytes, now);
    if (fetchThrottle > 0) {
      quotas.unrecord('fetch', user, clientId, bytes, now);
      out = { ...fetch, responses: fetch.responses.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, records: null })) })) };
      throttle = Math.max(throttle, fetchThrottle);
    }
  } else if (cost.mutations > 0) {
    throttle = Math.max(throttle, quotas.record('controller_mutation', user, clientId, cost.mutations, now));
  }
  return { response: out, throttleMs: throttle };
}

/** Partitions a request would create or delete (counted before it runs: a deletion's topics are gone after). */
export function mutationsOf(apiKey: number, request: unknown, partitionsOf: (topic: string) => number, defaultPartitions: number): number {
  if (apiKey === ApiKey.CreateTopics) {
    const r = request as { topics: { numPartitions: number; assignments: unknown[] }[]; validateOnly?: boolean };
    if (r.validateOnly) return 0;
    return r.topics.reduce((n, t) => n + (t.assignments.length > 0 ? t.assignments.length : t.numPartitions > 0 ? t.numPartitions : defaultPartitions), 0);
  }
  if (apiKey === ApiKey.CreatePartitions) {
    const r = request as { topics: { name: string; count: number }[]; validateOnly: boolean };
    if (r.validateOnly) return 0;
    return r.topics.reduce((n, t) => n + Math.max(0, t.count - partitionsOf(t.name)), 0);
  }
  if (apiKey === ApiKey.DeleteTopics) {
    const r = request as { topicNames?: string[]; topics?: { name?: string | null }[] };
    const names = r.topicNames && r.topicNames.length > 0 ? r.topicNames : (r.topics ?? []).map((t) => t.name ?? '');
    return names.reduce((n, name) => n + partitionsOf(name), 0);
  }
  return 0;
}
