/**
 * Metadata (key 3), v0-v12: brokers, cluster id, controller, and topics with their partitions,
 * leaders, leader epochs (v7+), replicas and in-sync replicas, topic ids (v10+).
 *
 * A null topic list (or an empty one in v0) means every topic. A topic that does not exist is
 * created with the broker defaults when auto.create.topics.enable is on and the request allows it
 * (always before v4, allowAutoTopicCreation from v4); it is then described at once. Otherwise it
 * gets UNKNOWN_TOPIC_OR_PARTITION, an illegal name INVALID_TOPIC_EXCEPTION, and an unknown topic
 * id (v10+) UNKNOWN_TOPIC_ID.
 *
 * Auto-creation happens first; the response is then built from one metadata view, so brokers,
 * controller and partitions never come from two views. A partition whose leader is not a live
 * broker gets LEADER_NOT_AVAILABLE with leader -1, and its replicas on dead brokers are listed as
 * offline. Each broker is given with its endpoint on the listener the client connected to.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { MetadataResponseMetadataResponseTopic as TopicOut } from '../../protocol/generated/messages/MetadataResponse.js';
import { ZERO_UUID } from '../../protocol/wire/codec-support.js';
import type { TopicMetadata } from '../metadata/metadata-store.js';
import { endpointFor } from '../metadata/endpoints.js';
import { partitionView } from '../metadata/partition-view.js';
import { topicNameProblem } from '../topics/topic-names.js';
import { defineHandler } from './api-handler.js';
import { TOPIC_OPERATIONS, CLUSTER_OPERATIONS, NOT_REQUESTED } from './authorized-operations.js';

function describeTopic(t: TopicMetadata, includeOps: boolean, live: ReadonlySet<number>): TopicOut {
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: t.internal,
    partitions: t.partitions.map((p) => partitionView(p, live)),
    topicAuthorizedOperations: includeOps ? TOPIC_OPERATIONS : NOT_REQUESTED,
  };
}

function errorTopic(errorCode: number, name: string | null, topicId = ZERO_UUID): TopicOut {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: NOT_REQUESTED };
}

export const metadataHandler = defineHandler({
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const { metadata, topics: topicManager, config } = ctx.services;
    const v = ctx.apiVersion;
    const includeOps = request.includeTopicAuthorizedOperations === true;
    const wantsAll = request.topics === null || (v === 0 && request.topics.length === 0);
    const mayCreate = config.bool('auto.create.topics.enable') && (v < 4 || request.allowAutoTopicCreation !== false);
    // auto-creation first (it waits for the store); the answer then comes from one view
    const failed = new Map<string, number>();
    if (!wantsAll && mayCreate) {
      for (const wanted of request.topics ?? []) {
        const name = wanted.name;
        if (name === null || name === undefined || metadata.topic(name) || topicNameProblem(name)) continue;
        const created = await topicManager.autoCreate(name);
        if (created.errorCode !== ErrorCode.NONE) failed.set(name, created.errorCode);
      }
    }
    const live = new Set(metadata.brokers().map((b) => b.nodeId));
    const out: TopicOut[] = [];
    if (wantsAll) {
      for (const t of metadata.topics()) out.push(describeTopic(t, includeOps, live));
    } else {
      for (const wanted of request.topics ?? []) {
        if (wanted.name === null || wanted.name === undefined) {
          const byId = wanted.topicId ? metadata.topicById(wanted.topicId) : undefined;
          out.push(byId ? describeTopic(byId, includeOps, live) : errorTopic(ErrorCode.UNKNOWN_TOPIC_ID, null, wanted.topicId));
          continue;
        }
        const name = wanted.name;
        const topic = metadata.topic(name);
        if (topic) out.push(describeTopic(topic, includeOps, live));
        else if (topicNameProblem(name)) out.push(errorTopic(ErrorCode.INVALID_TOPIC_EXCEPTION, name));
        else out.push(errorTopic(failed.get(name) ?? (mayCreate ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), name));
      }
    }
    return {
      throttleTimeMs: 0,
      brokers: metadata.brokers().map((b) => endpointFor(b, ctx.client.listener)),
      clusterId: metadata.clusterId,
      controllerId: metadata.controllerId(),
      topics: out,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : NOT_REQUESTED,
    };
  },
});
