/**
 * Admin topic operations: create, delete, list and describe topics, add partitions.
 * Creation, deletion and partition changes go to the controller.
 *
 * Contract: stateless functions over the AdminContext (the caller's KafkaClient, never closed
 * here); the Admin class in admin.ts is the public face and delegates to them.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import { call, check, errorName, isRetriable, settleItems, type ItemOutcome } from './requests.js';
import type { NewTopic, ResultOptions, CreateTopicsOptions, CreateTopicResult, DeleteTopicResult, TopicDescription } from './admin-types.js';
import { withMissing, throwFirst, type AdminContext } from './admin-helpers.js';

/** Kafka's all-zero topic id (base64 of 16 zero bytes): "no id". */
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface TopicOutcome extends ItemOutcome {
  topicId?: string;
  numPartitions?: number;
  replicationFactor?: number;
}

export async function createTopics(ctx: AdminContext, topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreateTopicResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  const outcomes = await settleItems<NewTopic, TopicOutcome>(ctx.client, topics, (t) => t.name, async (pending) => {
    const { response } = await call(ctx.client, 'controller', ApiKey.CreateTopics, 7, (v) => {
      if (options.validateOnly && v < 1) throw new ClientError('UNSUPPORTED', 'validateOnly needs CreateTopics v1');
      return {
        topics: pending.map((t) => {
          if (v < 4 && (t.numPartitions === undefined || t.replicationFactor === undefined)) {
            throw new ClientError('INVALID_ARGUMENT', `topic ${t.name}: the broker (CreateTopics v${v}) needs numPartitions and replicationFactor`);
          }
          return {
            name: t.name,
            numPartitions: t.replicaAssignments ? -1 : t.numPartitions ?? -1,
            replicationFactor: t.replicaAssignments ? -1 : t.replicationFactor ?? -1,
            assignments: Object.entries(t.replicaAssignments ?? {}).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds: [...brokerIds] })),
            configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
          };
        }),
        timeoutMs,
        ...(v >= 1 ? { validateOnly: options.validateOnly ?? false } : {}),
      };
    });
    const out = new Map<string, TopicOutcome>();
    for (const r of response.topics) {
      out.set(r.name, {
        errorCode: r.errorCode, errorMessage: r.errorMessage ?? null,
        ...(r.topicId !== undefined ? { topicId: r.topicId } : {}),
        ...(r.numPartitions !== undefined ? { numPartitions: r.numPartitions } : {}),
        ...(r.replicationFactor !== undefined ? { replicationFactor: r.replicationFactor } : {}),
      });
    }
    return withMissing(out, pending.map((t) => t.name));
  });
  const results = topics.map((t): CreateTopicResult => {
    const o = outcomes.get(t.name) ?? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
    return {
      name: t.name,
      topicId: o.topicId !== undefined && o.topicId !== ZERO_UUID ? o.topicId : null,
      errorCode: o.errorCode,
      error: errorName(o.errorCode),
      errorMessage: o.errorMessage ?? null,
      numPartitions: o.numPartitions !== undefined && o.numPartitions >= 0 ? o.numPartitions : null,
      replicationFactor: o.replicationFactor !== undefined && o.replicationFactor >= 0 ? o.replicationFactor : null,
    };
  });
  if (!options.returnErrors) throwFirst(results, (r) => `create topic ${r.name}`);
  return results;
}

export async function deleteTopics(ctx: AdminContext, names: readonly string[], options: ResultOptions & { timeoutMs?: number } = {}): Promise<DeleteTopicResult[]> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  const outcomes = await settleItems<string, ItemOutcome>(ctx.client, names, (n) => n, async (pending) => {
    const { response } = await call(ctx.client, 'controller', ApiKey.DeleteTopics, 6, (v) =>
      v >= 6 ? { topics: pending.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs } : { topicNames: pending, timeoutMs });
    const out = new Map<string, ItemOutcome>();
    for (const r of response.responses) if (r.name !== null) out.set(r.name, { errorCode: r.errorCode, errorMessage: r.errorMessage ?? null });
    return withMissing(out, pending);
  });
  const results = names.map((name): DeleteTopicResult => {
    const o = outcomes.get(name) ?? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
    return { name, errorCode: o.errorCode, error: errorName(o.errorCode), errorMessage: o.errorMessage ?? null };
  });
  for (const r of results) if (r.errorCode === ErrorCode.NONE) ctx.client.metadata.topics.delete(r.name);
  if (!options.returnErrors) throwFirst(results, (r) => `delete topic ${r.name}`);
  return results;
}

/** Topic names, sorted; internal topics (__consumer_offsets, ...) only with includeInternal. */
export async function listTopics(ctx: AdminContext, options: { includeInternal?: boolean } = {}): Promise<string[]> {
  const md = await ctx.client.withRetries(() => ctx.client.refreshMetadata(null));
  return [...md.topics.values()]
    .filter((t) => t.errorCode === ErrorCode.NONE && (options.includeInternal || !t.internal))
    .map((t) => t.name)
    .sort();
}

/** Topics with their partitions; throws UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist. */
export async function describeTopics(ctx: AdminContext, names: readonly string[]): Promise<TopicDescription[]> {
  if (names.length === 0) return [];
  const md = await ctx.client.withRetries(async () => {
    const m = await ctx.client.refreshMetadata([...names]);
    for (const name of names) {
      const t = m.topics.get(name);
      // A topic still being created has no leader yet: wait that out, but not an unknown topic.
      if (t && isRetriable(t.errorCode) && t.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw ClientError.kafka(t.errorCode, `topic ${name}`);
      if (t?.partitions.some((p) => p.leader < 0 && p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE)) throw ClientError.kafka(ErrorCode.LEADER_NOT_AVAILABLE, `topic ${name}`);
    }
    return m;
  });
  return names.map((name) => {
    const t = md.topics.get(name);
    if (!t || t.errorCode !== ErrorCode.NONE) throw ClientError.kafka(t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${name}`);
    return {
      name: t.name,
      topicId: t.topicId,
      internal: t.internal,
      partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: [...p.replicas], isr: [...p.isr] })),
    };
  });
}

/** Grows a topic to `totalCount` partitions. */
export async function createPartitions(ctx: AdminContext, topic: string, totalCount: number, options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? ctx.timeoutMs;
  const outcomes = await settleItems<string, ItemOutcome>(ctx.client, [topic], (t) => t, async () => {
    const { response } = await call(ctx.client, 'controller', ApiKey.CreatePartitions, 3, () => ({
      topics: [{ name: topic, count: totalCount, assignments: null }],
      timeoutMs,
      validateOnly: options.validateOnly ?? false,
    }));
    const out = new Map<string, ItemOutcome>();
    for (const r of response.results) out.set(r.name, { errorCode: r.errorCode, errorMessage: r.errorMessage });
    return withMissing(out, [topic]);
  });
  const o = outcomes.get(topic);
  check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `create partitions of ${topic}`, o?.errorMessage);
  if (!options.validateOnly) await ctx.client.refreshMetadata([topic]).catch(() => undefined);
}
