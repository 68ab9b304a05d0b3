/**
 * CreateTopics (key 19), v0-v7 (v0-v1 are deprecated in Kafka 4 and still served).
 *
 * Each topic is created through TopicManager.create, which applies Kafka's rules: numPartitions
 * and replicationFactor -1 take num.partitions and default.replication.factor; manual assignments
 * (then both must be -1, else INVALID_REQUEST) must number partitions 0..n-1
 * (INVALID_REPLICA_ASSIGNMENT) on known brokers; INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR
 * (more replicas than brokers), INVALID_TOPIC_EXCEPTION (illegal or colliding name),
 * TOPIC_ALREADY_EXISTS, INVALID_CONFIG (unknown setting, null or invalid value). A name given
 * twice in one request gets INVALID_REQUEST "Duplicate topic name." and is not created.
 * validateOnly (v1+) checks everything and creates nothing. timeoutMs is accepted; creation on
 * this broker completes before the response, so there is nothing to wait for.
 *
 * Per-topic errorMessage from v1; from v5 a created (or validated) topic reports its partition
 * count, replication factor and effective configs (value, source, read-only, sensitive); topicId
 * from v7.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { CreateTopicsResponseCreatableTopicResult as ResultOut } from '../../protocol/generated/messages/CreateTopicsResponse.js';
import { defineHandler } from './api-handler.js';
import { effectiveTopicConfigs } from './config-resources.js';

function failed(name: string, errorCode: number, errorMessage: string | null, v: number): ResultOut {
  const out: ResultOut = { name, errorCode };
  if (v >= 1) out.errorMessage = errorMessage;
  if (v >= 5) {
    out.numPartitions = -1;
    out.replicationFactor = -1;
    out.configs = [];
  }
  return out;
}

export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const { topics: topicManager, config } = ctx.services;
    const v = ctx.apiVersion;
    const validateOnly = v >= 1 && request.validateOnly === true;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const reported = new Set<string>();
    const results: ResultOut[] = [];
    for (const t of request.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        if (!reported.has(t.name)) results.push(failed(t.name, ErrorCode.INVALID_REQUEST, 'Duplicate topic name.', v));
        reported.add(t.name);
        continue;
      }
      const configs: Record<string, string | null> = Object.fromEntries(t.configs.map((c) => [c.name, c.value]));
      const created = await topicManager.create({
        name: t.name,
        numPartitions: t.numPartitions,
        replicationFactor: t.replicationFactor,
        assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })),
        configs,
      }, validateOnly);
      const topic = created.topic;
      if (created.errorCode !== ErrorCode.NONE || !topic) {
        results.push(failed(t.name, created.errorCode, created.errorMessage, v));
        continue;
      }
      const out: ResultOut = { name: t.name, errorCode: ErrorCode.NONE };
      if (v >= 1) out.errorMessage = null;
      if (v >= 5) {
        out.numPartitions = topic.partitions.length;
        out.replicationFactor = topic.partitions[0]?.replicas.length ?? -1;
        out.configs = effectiveTopicConfigs(config, topic.configs).map((e) => ({
          name: e.name, value: e.value, readOnly: e.readOnly, configSource: e.source, isSensitive: e.sensitive,
        }));
      }
      if (v >= 7) out.topicId = topic.topicId;
      results.push(out);
    }
    const response: { throttleTimeMs?: number; topics: ResultOut[] } = { topics: results };
    if (v >= 2) response.throttleTimeMs = 0;
    return response;
  },
});
