/**
 * TopicManager's operations on a broker that is not the controller: each is sent to the controller
 * as the Kafka request that asks for it (CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs,
 * ElectLeaders) and the controller's answer is turned back into TopicManager's results. A created
 * topic is awaited in this broker's own view before the result is returned, so the caller can use
 * it at once. A controller that cannot be reached gives REQUEST_TIMED_OUT.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { ControllerChannel } from '../metadata/controller-channel.js';
import type { MetadataStore, TopicMetadata } from '../metadata/metadata-store.js';
import type { CreateTopicResult, CreateTopicSpec, ElectionResult, TopicError } from './topic-manager.js';

const TOPIC_RESOURCE = 2;
const FORWARD_TIMEOUT_MS = 30_000;
/** How long a forwarded creation waits to appear in this broker's view. */
const VIEW_WAIT_MS = 10_000;

function unreachable(e: unknown): TopicError {
  return { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: `the controller could not be reached: ${(e as Error).message}` };
}

export async function forwardCreate(channel: ControllerChannel, metadata: MetadataStore, spec: CreateTopicSpec, validateOnly: boolean): Promise<CreateTopicResult> {
  let r;
  try {
    r = await channel.send(ApiKey.CreateTopics, 7, {
      topics: [{
        name: spec.name, numPartitions: spec.numPartitions, replicationFactor: spec.replicationFactor,
        assignments: (spec.assignments ?? []).map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })),
        configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      }],
      timeoutMs: FORWARD_TIMEOUT_MS, validateOnly,
    });
  } catch (e) {
    return unreachable(e);
  }
  const t = r.topics[0];
  if (!t) return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'the controller answered without the topic' };
  if (t.errorCode !== ErrorCode.NONE) return { errorCode: t.errorCode, errorMessage: t.errorMessage ?? null };
  if (!validateOnly) {
    try {
      await metadata.waitFor(() => metadata.topic(spec.name) !== undefined, VIEW_WAIT_MS);
      return { errorCode: ErrorCode.NONE, errorMessage: null, topic: metadata.topic(spec.name)! };
    } catch {
      // created but not yet seen here: answer from the controller's report
    }
  }
  const rf = t.replicationFactor ?? -1;
  const topic: TopicMetadata = {
    name: spec.name, topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA', internal: false,
    partitions: Array.from({ length: Math.max(0, t.numPartitions ?? 0) }, (_, partition) => ({
      partition, replicas: Array.from({ length: Math.max(0, rf) }, () => -1), isr: [], leader: -1, leaderEpoch: 0, partitionEpoch: 0,
    })),
    configs: Object.fromEntries(Object.entries(spec.configs ?? {}).filter((e): e is [string, string] => e[1] !== null)),
  };
  return { errorCode: ErrorCode.NONE, errorMessage: null, topic };
}

export async function forwardDelete(channel: ControllerChannel, name: string): Promise<TopicError> {
  try {
    const r = await channel.send(ApiKey.DeleteTopics, 6, { topics: [{ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], timeoutMs: FORWARD_TIMEOUT_MS });
    const t = r.responses[0];
    return { errorCode: t?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: t?.errorMessage ?? null };
  } catch (e) {
    return unreachable(e);
  }
}

export async function forwardCreatePartitions(channel: ControllerChannel, name: string, count: number, assignments: number[][] | null, validateOnly: boolean): Promise<TopicError> {
  try {
    const r = await channel.send(ApiKey.CreatePartitions, 3, {
      topics: [{ name, count, assignments: assignments === null ? null : assignments.map((brokerIds) => ({ brokerIds })) }],
      timeoutMs: FORWARD_TIMEOUT_MS, validateOnly,
    });
    const t = r.results[0];
    return { errorCode: t?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: t?.errorMessage ?? null };
  } catch (e) {
    return unreachable(e);
  }
}

export async function forwardSetConfigs(channel: ControllerChannel, name: string, configs: Record<string, string>): Promise<TopicError> {
  try {
    const r = await channel.send(ApiKey.AlterConfigs, 2, {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
      validateOnly: false,
    });
    const t = r.responses[0];
    return { errorCode: t?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: t?.errorMessage ?? null };
  } catch (e) {
    return unreachable(e);
  }
}

export async function forwardElectLeaders(channel: ControllerChannel, type: number, partitions: { topic: string; partitions: number[] }[] | null): Promise<ElectionResult[]> {
  try {
    const r = await channel.send(ApiKey.ElectLeaders, 2, { electionType: type, topicPartitions: partitions, timeoutMs: FORWARD_TIMEOUT_MS });
    return r.replicaElectionResults.map((t) => ({
      topic: t.topic, partitions: t.partitionResult.map((p) => ({ partitionId: p.partitionId, errorCode: p.errorCode, errorMessage: p.errorMessage })),
    }));
  } catch (e) {
    const error = unreachable(e);
    return (partitions ?? []).map((t) => ({ topic: t.topic, partitions: t.partitions.map((partitionId) => ({ partitionId, ...error })) }));
  }
}
