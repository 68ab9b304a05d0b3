/**
 * Bytes and records that a finished request moved, for the per-topic counters: a Produce's
 * partitions that were appended (their record bytes and record counts), a consumer Fetch's record
 * bytes by topic. Called by the Connection with the request and its response.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { FetchResponse } from '../../protocol/generated/messages/FetchResponse.js';
import type { ProduceRequest } from '../../protocol/generated/messages/ProduceRequest.js';
import type { ProduceResponse } from '../../protocol/generated/messages/ProduceResponse.js';
import { recordCountOf, type BrokerMetrics } from './broker-metrics.js';

export function recordTraffic(metrics: BrokerMetrics, apiKey: number, request: unknown, response: unknown, topicById: (id: string) => string | undefined): void {
  if (apiKey === ApiKey.Produce) {
    const req = request as ProduceRequest;
    const res = response as ProduceResponse | undefined;
    for (const t of req.topicData) {
      const answered = res?.responses.find((r) => r.name === t.name);
      let bytes = 0;
      let records = 0;
      for (const p of t.partitionData) {
        // acks=0 gets no response: count what was sent; otherwise what was appended
        const ok = answered === undefined ? res === undefined : answered.partitionResponses.some((x) => x.index === p.index && x.errorCode === 0);
        if (!ok) continue;
        bytes += p.records?.length ?? 0;
        records += recordCountOf(p.records);
      }
      if (bytes > 0) metrics.produced(t.name, bytes, records);
    }
  } else if (apiKey === ApiKey.Fetch && response) {
    for (const t of (response as FetchResponse).responses) {
      const topic = t.topic || (t.topicId ? topicById(t.topicId) : undefined);
      if (!topic) continue;
      let bytes = 0;
      for (const p of t.partitions) bytes += p.records?.length ?? 0;
      metrics.fetched(topic, bytes);
    }
  }
}
