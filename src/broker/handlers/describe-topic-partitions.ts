/**
 * DescribeTopicPartitions (key 75), v0: topics with their partitions (leader, leader epoch,
 * replicas, ISR, offline replicas), paged. Kafka 3.8+'s `kafka-topics --describe` uses it.
 *
 * Topics are described in name order: all of them when the request names none, otherwise the named
 * ones (an unknown or illegal name gets UNKNOWN_TOPIC_OR_PARTITION with no partitions). At most
 * min(ResponsePartitionLimit, max.request.partition.size.limit) partitions are returned; when more
 * remain, NextCursor names the topic and partition to continue from. A request's Cursor starts the
 * walk there; a cursor naming a topic the request does not list fails every topic with INVALID_REQUEST, as Kafka's
 * error response does.
 * Eligible leader replicas (KIP-966) are not kept, so both ELR fields are null.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type {
  DescribeTopicPartitionsResponse, DescribeTopicPartitionsResponseDescribeTopicPartitionsResponseTopic as TopicOut,
} from '../../protocol/generated/messages/DescribeTopicPartitionsResponse.js';
import { ZERO_UUID } from '../../protocol/wire/codec-support.js';
import { partitionView } from '../metadata/partition-view.js';
import { defineHandler } from './api-handler.js';
import { NOT_REQUESTED } from './authorized-operations.js';

function unknownTopic(name: string): TopicOut {
  return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED };
}

export const describeTopicPartitionsHandler = defineHandler({
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx): DescribeTopicPartitionsResponse {
    const { metadata, config } = ctx.services;
    const cursor = request.cursor ?? null;
    const all = request.topics.length === 0;
    const wanted = all ? metadata.topics().map((t) => t.name) : [...new Set(request.topics.map((t) => t.name))];
    if (cursor && !all && !wanted.includes(cursor.topicName)) {
      return { throttleTimeMs: 0, topics: wanted.map((name) => ({ ...unknownTopic(name), errorCode: ErrorCode.INVALID_REQUEST })), nextCursor: null };
    }
    wanted.sort();
    const live = new Set(metadata.brokers().map((b) => b.nodeId));
    let budget = Math.max(1, Math.min(request.responsePartitionLimit, config.int('max.request.partition.size.limit')));
    const topics: TopicOut[] = [];
    let nextCursor: DescribeTopicPartitionsResponse['nextCursor'] = null;
    for (const name of wanted) {
      if (cursor && name < cursor.topicName) continue;
      const t = metadata.topic(name);
      if (!t) {
        topics.push(unknownTopic(name));
        continue;
      }
      const start = cursor && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0;
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: start };
        break;
      }
      const slice = t.partitions.slice(start, start + budget);
      budget -= slice.length;
      topics.push({
        errorCode: ErrorCode.NONE, name, topicId: t.topicId, isInternal: t.internal,
        partitions: slice.map((p) => ({ ...partitionView(p, live), eligibleLeaderReplicas: null, lastKnownElr: null })),
        topicAuthorizedOperations: NOT_REQUESTED,
      });
      if (start + slice.length < t.partitions.length) {
        nextCursor = { topicName: name, partitionIndex: start + slice.length };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
});
