/**
 * CreatePartitions (key 37), v0-v3: grows topics to a new partition count, optionally with the
 * replica assignment of each new partition.
 *
 * Per topic (through TopicManager.createPartitions): an unknown topic UNKNOWN_TOPIC_OR_PARTITION;
 * a count that is not an increase INVALID_PARTITIONS; assignments whose number differs from the
 * partitions added, or naming unknown brokers, INVALID_REPLICA_ASSIGNMENT. A topic named twice
 * gets INVALID_REQUEST "Duplicate topic name.". validateOnly checks without changing anything;
 * timeoutMs is accepted (the change completes before the response).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { CreatePartitionsResponseCreatePartitionsTopicResult as ResultOut } from '../../protocol/generated/messages/CreatePartitionsResponse.js';
import { defineHandler } from './api-handler.js';

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const { topics } = ctx.services;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const reported = new Set<string>();
    const results: ResultOut[] = [];
    for (const t of request.topics) {
      if ((counts.get(t.name) ?? 0) > 1) {
        if (!reported.has(t.name)) results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
        reported.add(t.name);
        continue;
      }
      const assignments = t.assignments === null ? null : t.assignments.map((a) => a.brokerIds);
      const r = await topics.createPartitions(t.name, t.count, assignments, request.validateOnly);
      results.push({ name: t.name, errorCode: r.errorCode, errorMessage: r.errorMessage });
    }
    return { throttleTimeMs: 0, results };
  },
});
