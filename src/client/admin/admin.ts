/**
 * Admin: topic, config, group, offset and cluster administration over a KafkaClient.
 *
 * Routing follows Kafka's admin client: topic creation, deletion and partition changes go to
 * the controller; group and group-offset requests to the group's coordinator; partition
 * requests (ListOffsets, DeleteRecords) to each partition's leader, one request per leader; a
 * broker's configs to that broker, everything else to any broker. Each request is built for the
 * version negotiated with the broker it goes to, setting only fields that version has.
 *
 * Errors: retriable Kafka errors (a moved leader or coordinator, a coordinator still loading)
 * and lost connections are retried under the client's retry policy, re-sending only the items
 * that failed. Other errors throw a ClientError, except where a method returns per-item error
 * codes (deleteGroups, commitGroupOffsets, deleteGroupOffsets, and createTopics / deleteTopics
 * with `returnErrors`).
 *
 * Offsets and timestamps are JavaScript numbers (exact up to 2^53).
 *
 * Contract: stateless beyond the client it wraps; methods may be called concurrently.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import {
  configOpCode,
  resourceTypeCode,
  toConfigEntry,
  type ConfigEntry,
  type ConfigOp,
  type ConfigResourceType,
} from './configs.js';
import { decodeConsumerAssignment, decodeConsumerSubscription } from './consumer-protocol.js';
import {
  byTopic,
  call,
  check,
  connectionTo,
  errorName,
  groupByLeader,
  isRetriable,
  settleItems,
  tpKey,
  type ItemOutcome,
  type Target,
  type TopicPartition,
} from './requests.js';

export type { ConfigEntry, ConfigOp, ConfigResourceType, ConfigSourceName, ConfigSynonym, ConfigTypeName } from './configs.js';
export type { TopicPartition } from './requests.js';

/** Kafka's all-zero topic id (base64 of 16 zero bytes): "no id". */
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface AdminOptions {
  /** The timeout asked of the broker for operations that wait (topic creation, deletion, ...). */
  timeoutMs?: number;
}

export interface NewTopic {
  name: string;
  /** Defaults to the broker's num.partitions. */
  numPartitions?: number;
  /** Defaults to the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string | null>;
}

export interface ResultOptions {
  /** Return per-item results with their error codes instead of throwing for the first error. */
  returnErrors?: boolean;
}

export interface CreateTopicsOptions extends ResultOptions {
  validateOnly?: boolean;
  timeoutMs?: number;
}

export interface CreateTopicResult {
  name: string;
  /** null before CreateTopics v7. */
  topicId: string | null;
  errorCode: number;
  /** The error's Kafka name, null when the topic was created. */
  error: string | null;
  errorMessage: string | null;
  /** The partition count and replication factor the broker used (v5+; null before). */
  numPartitions: number | null;
  replicationFactor: number | null;
}

export interface DeleteTopicResult {
  name: string;
  errorCode: number;
  error: string | null;
  errorMessage: string | null;
}

export interface PartitionDescription {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  topicId: string;
  internal: boolean;
  partitions: PartitionDescription[];
}

export interface ConfigResource {
  type: ConfigResourceType;
  /** The topic name, or the broker id as a string ('' for the cluster-wide broker default). */
  name: string;
  /** Only these config names (all when omitted). */
  keys?: string[];
}

export interface DescribeConfigsOptions {
  includeSynonyms?: boolean;
  includeDocumentation?: boolean;
}

export interface ConfigResourceDescription {
  type: ConfigResourceType;
  name: string;
  entries: ConfigEntry[];
}

export interface AlterConfigOperation {
  name: string;
  op: ConfigOp;
  /** Ignored (sent as null) for 'delete'. */
  value?: string | null;
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  /** null before ListGroups v4. */
  state: string | null;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The consumer protocol assignment (topic -> partitions), for protocol type "consumer"; else null. */
  assignment: Record<string, number[]> | null;
  /** The topics of the consumer protocol subscription, for protocol type "consumer"; else null. */
  subscription: string[] | null;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  /** The chosen protocol (assignor for consumer groups). */
  protocol: string;
  members: GroupMemberDescription[];
}

export interface GroupResult {
  groupId: string;
  errorCode: number;
  error: string | null;
}

export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number };

export interface ListOffsetsOptions {
  isolationLevel?: 'read_uncommitted' | 'read_committed';
}

export interface ListedOffset {
  offset: number;
  /** -1 when the broker does not say. */
  timestamp: number;
  leaderEpoch: number;
}

export interface GroupOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset for the partition. */
  offset: number;
  metadata: string | null;
  leaderEpoch: number;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: number;
  metadata?: string | null;
  leaderEpoch?: number;
}

export interface PartitionResult {
  topic: string;
  partition: number;
  errorCode: number;
  error: string | null;
}

export interface RecordsToDelete {
  topic: string;
  partition: number;
  /** Delete records before this offset; -1 for the high watermark. */
  offset: number;
}

export interface DeletedRecords {
  topic: string;
  partition: number;
  lowWatermark: number;
}

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
}

interface TopicOutcome extends ItemOutcome {
  topicId?: string;
  numPartitions?: number;
  replicationFactor?: number;
}

export class Admin {
  private readonly timeoutMs: number;

  constructor(
    readonly client: KafkaClient,
    options: AdminOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  // ---- topics ----

  async createTopics(topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreateTopicResult[]> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const outcomes = await settleItems<NewTopic, TopicOutcome>(this.client, topics, (t) => t.name, async (pending) => {
      const { response } = await call(this.client, 'controller', ApiKey.CreateTopics, 7, (v) => {
        if (options.validateOnly && v < 1) throw new ClientError('UNSUPPORTED', 'validateOnly needs CreateTopics v1');
        return {
          topics: pending.map((t) => {
            if (v < 4 && (t.numPartitions === undefined || t.replicationFactor === undefined)) {
              throw new ClientError('INVALID_ARGUMENT', `topic ${t.name}: the broker (CreateTopics v${v}) needs numPartitions and replicationFactor`);
            }
            return {
              name: t.name,
              numPartitions: t.numPartitions ?? -1,
              replicationFactor: t.replicationFactor ?? -1,
              assignments: [],
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

  async deleteTopics(names: readonly string[], options: ResultOptions & { timeoutMs?: number } = {}): Promise<DeleteTopicResult[]> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const outcomes = await settleItems<string, ItemOutcome>(this.client, names, (n) => n, async (pending) => {
      const { response } = await call(this.client, 'controller', ApiKey.DeleteTopics, 6, (v) =>
        v >= 6 ? { topics: pending.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs } : { topicNames: pending, timeoutMs });
      const out = new Map<string, ItemOutcome>();
      for (const r of response.responses) if (r.name !== null) out.set(r.name, { errorCode: r.errorCode, errorMessage: r.errorMessage ?? null });
      return withMissing(out, pending);
    });
    const results = names.map((name): DeleteTopicResult => {
      const o = outcomes.get(name) ?? { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR };
      return { name, errorCode: o.errorCode, error: errorName(o.errorCode), errorMessage: o.errorMessage ?? null };
    });
    for (const r of results) if (r.errorCode === ErrorCode.NONE) this.client.metadata.topics.delete(r.name);
    if (!options.returnErrors) throwFirst(results, (r) => `delete topic ${r.name}`);
    return results;
  }

  /** Topic names, sorted; internal topics (__consumer_offsets, ...) only with includeInternal. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const md = await this.client.withRetries(() => this.client.refreshMetadata(null));
    return [...md.topics.values()]
      .filter((t) => t.errorCode === ErrorCode.NONE && (options.includeInternal || !t.internal))
      .map((t) => t.name)
      .sort();
  }

  /** Topics with their partitions; throws UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist. */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    if (names.length === 0) return [];
    const md = await this.client.withRetries(async () => {
      const m = await this.client.refreshMetadata([...names]);
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
  async createPartitions(topic: string, totalCount: number, options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const outcomes = await settleItems<string, ItemOutcome>(this.client, [topic], (t) => t, async () => {
      const { response } = await call(this.client, 'controller', ApiKey.CreatePartitions, 3, () => ({
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
    if (!options.validateOnly) await this.client.refreshMetadata([topic]).catch(() => undefined);
  }

  // ---- configs ----

  async describeConfigs(resources: readonly ConfigResource[], options: DescribeConfigsOptions = {}): Promise<ConfigResourceDescription[]> {
    const key = (r: ConfigResource): string => `${r.type}\u0000${r.name}`;
    const results = new Map<string, ConfigResourceDescription>();
    for (const [target, group] of groupBy(resources, configTarget)) {
      const outcomes = await settleItems<ConfigResource, ItemOutcome & { entries?: ConfigEntry[] }>(this.client, group, key, async (pending) => {
        const { version, response } = await call(this.client, target, ApiKey.DescribeConfigs, 4, (v) => ({
          resources: pending.map((r) => ({ resourceType: resourceTypeCode(r.type), resourceName: r.name, configurationKeys: r.keys ? [...r.keys] : null })),
          ...(v >= 1 ? { includeSynonyms: options.includeSynonyms ?? false } : {}),
          ...(v >= 3 ? { includeDocumentation: options.includeDocumentation ?? false } : {}),
        }));
        const out = new Map<string, ItemOutcome & { entries?: ConfigEntry[] }>();
        for (const r of response.results) {
          const resource = pending.find((p) => resourceTypeCode(p.type) === r.resourceType && p.name === r.resourceName);
          if (!resource) continue;
          out.set(key(resource), { errorCode: r.errorCode, errorMessage: r.errorMessage, entries: r.configs.map((e) => toConfigEntry(e, version)) });
        }
        return withMissing(out, pending.map(key));
      });
      for (const r of group) {
        const o = outcomes.get(key(r));
        check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describe configs of ${r.type} ${r.name}`, o?.errorMessage);
        results.set(key(r), { type: r.type, name: r.name, entries: o?.entries ?? [] });
      }
    }
    return resources.map((r) => results.get(key(r))!);
  }

  /** Applies set / delete / append / subtract operations to one resource's dynamic configs. */
  async incrementalAlterConfigs(type: ConfigResourceType, name: string, ops: readonly AlterConfigOperation[], options: { validateOnly?: boolean } = {}): Promise<void> {
    const resource = { type, name };
    const outcomes = await settleItems<string, ItemOutcome>(this.client, [name], (n) => n, async () => {
      const { response } = await call(this.client, configTarget(resource), ApiKey.IncrementalAlterConfigs, 1, () => ({
        resources: [{
          resourceType: resourceTypeCode(type),
          resourceName: name,
          configs: ops.map((o) => ({ name: o.name, configOperation: configOpCode(o.op), value: o.op === 'delete' ? null : (o.value ?? null) })),
        }],
        validateOnly: options.validateOnly ?? false,
      }));
      const r = response.responses[0];
      return new Map([[name, r ? { errorCode: r.errorCode, errorMessage: r.errorMessage } : { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }]]);
    });
    const o = outcomes.get(name);
    check(o?.errorCode, `alter configs of ${type} ${name}`, o?.errorMessage);
  }

  /**
   * The legacy AlterConfigs: replaces the resource's whole set of dynamic configs with `configs`
   * (configs not listed return to their defaults).
   */
  async alterConfigs(type: ConfigResourceType, name: string, configs: Record<string, string | null> | readonly { name: string; value: string | null }[], options: { validateOnly?: boolean } = {}): Promise<void> {
    const list = Array.isArray(configs)
      ? (configs as readonly { name: string; value: string | null }[]).map((c) => ({ name: c.name, value: c.value }))
      : Object.entries(configs as Record<string, string | null>).map(([n, value]) => ({ name: n, value }));
    const resource = { type, name };
    const outcomes = await settleItems<string, ItemOutcome>(this.client, [name], (n) => n, async () => {
      const { response } = await call(this.client, configTarget(resource), ApiKey.AlterConfigs, 2, () => ({
        resources: [{ resourceType: resourceTypeCode(type), resourceName: name, configs: list }],
        validateOnly: options.validateOnly ?? false,
      }));
      const r = response.responses[0];
      return new Map([[name, r ? { errorCode: r.errorCode, errorMessage: r.errorMessage } : { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR }]]);
    });
    const o = outcomes.get(name);
    check(o?.errorCode, `alter configs of ${type} ${name}`, o?.errorMessage);
  }

  // ---- groups ----

  /** The groups of every broker, sorted by id; `states` filters by state (ListGroups v4+). */
  async listGroups(options: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
    const md = await this.client.withRetries(() => this.client.refreshMetadata([]));
    const groups = new Map<string, GroupListing>();
    for (const nodeId of md.brokers.keys()) {
      const response = await this.client.withRetries(async () => {
        const { response: r } = await call(this.client, nodeId, ApiKey.ListGroups, 5, (v) => {
          if (options.states && v < 4) throw new ClientError('UNSUPPORTED', 'filtering groups by state needs ListGroups v4');
          return v >= 4 ? { statesFilter: options.states ? [...options.states] : [] } : {};
        });
        check(r.errorCode, `list groups on broker ${nodeId}`);
        return r;
      });
      for (const g of response.groups) groups.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? null });
    }
    return [...groups.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    type Outcome = ItemOutcome & { group?: GroupDescription };
    const outcomes = await settleItems<string, Outcome>(this.client, groupIds, (g) => g, async (pending) => {
      const out = new Map<string, Outcome>();
      for (const [nodeId, ids] of await this.byCoordinator(pending)) {
        const { response } = await call(this.client, nodeId, ApiKey.DescribeGroups, 5, (v) => ({
          groups: ids,
          ...(v >= 3 ? { includeAuthorizedOperations: false } : {}),
        }));
        for (const g of response.groups) {
          const consumer = g.protocolType === 'consumer';
          out.set(g.groupId, {
            errorCode: g.errorCode,
            group: {
              groupId: g.groupId,
              state: g.groupState,
              protocolType: g.protocolType,
              protocol: g.protocolData,
              members: g.members.map((m) => {
                const assignment = consumer ? decodeConsumerAssignment(m.memberAssignment) : null;
                const subscription = consumer ? decodeConsumerSubscription(m.memberMetadata) : null;
                return {
                  memberId: m.memberId,
                  groupInstanceId: m.groupInstanceId ?? null,
                  clientId: m.clientId,
                  clientHost: m.clientHost,
                  assignment: consumer ? Object.fromEntries(assignment?.partitions ?? []) : null,
                  subscription: subscription?.topics ?? null,
                  memberMetadata: m.memberMetadata,
                  memberAssignment: m.memberAssignment,
                };
              }),
            },
          });
        }
      }
      return withMissing(out, pending);
    });
    return groupIds.map((id) => {
      const o = outcomes.get(id);
      check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `describe group ${id}`, o?.errorMessage);
      return o!.group!;
    });
  }

  /** Deletes (empty) groups; returns each group's error code (NONE when deleted). */
  async deleteGroups(groupIds: readonly string[]): Promise<GroupResult[]> {
    const outcomes = await settleItems<string, ItemOutcome>(this.client, groupIds, (g) => g, async (pending) => {
      const out = new Map<string, ItemOutcome>();
      for (const [nodeId, ids] of await this.byCoordinator(pending)) {
        const { response } = await call(this.client, nodeId, ApiKey.DeleteGroups, 2, () => ({ groupsNames: ids }));
        for (const r of response.results) out.set(r.groupId, { errorCode: r.errorCode });
      }
      return withMissing(out, pending);
    });
    return groupIds.map((groupId) => {
      const code = outcomes.get(groupId)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      return { groupId, errorCode: code, error: errorName(code) };
    });
  }

  // ---- offsets ----

  /**
   * The offset of each partition for the spec: earliest (log start), latest (high watermark, or
   * last stable offset under read_committed), the record with the largest timestamp, or the
   * first offset whose timestamp is at least `timestamp` (-1 when there is none). Returned as
   * topic -> partition -> offset.
   */
  async listOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec, options: ListOffsetsOptions = {}): Promise<Map<string, Map<number, ListedOffset>>> {
    const timestamp = specTimestamp(spec);
    const isolation = options.isolationLevel === 'read_committed' ? 1 : 0;
    const minVersion = spec === 'max-timestamp' ? 7 : isolation === 1 ? 2 : 1;
    type Outcome = ItemOutcome & { listed?: ListedOffset };
    const outcomes = await settleItems<TopicPartition, Outcome>(this.client, partitions, tpKey, async (pending) => {
      const { byLeader, failed } = await groupByLeader(this.client, pending);
      const out = new Map<string, Outcome>(failed);
      await Promise.all([...byLeader].map(async ([leader, parts]) => {
        const { response } = await call(this.client, leader, ApiKey.ListOffsets, 10, (v) => ({
          replicaId: -1,
          ...(v >= 2 ? { isolationLevel: isolation } : {}),
          topics: [...byTopic(parts)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, timestamp })) })),
        }), minVersion);
        for (const t of response.topics) {
          for (const p of t.partitions) {
            out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), {
              errorCode: p.errorCode,
              listed: { offset: Number(p.offset ?? -1n), timestamp: Number(p.timestamp ?? -1n), leaderEpoch: p.leaderEpoch ?? -1 },
            });
          }
        }
      }));
      return withMissing(out, pending.map(tpKey));
    });
    const result = new Map<string, Map<number, ListedOffset>>();
    for (const p of partitions) {
      const o = outcomes.get(tpKey(p));
      check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `list offsets of ${p.topic}-${p.partition}`, o?.errorMessage);
      let byPartition = result.get(p.topic);
      if (!byPartition) result.set(p.topic, (byPartition = new Map()));
      byPartition.set(p.partition, o!.listed!);
    }
    return result;
  }

  /** The group's committed offsets: for `partitions`, or for every partition it has (null). */
  async fetchGroupOffsets(groupId: string, partitions: readonly TopicPartition[] | null = null): Promise<GroupOffset[]> {
    const offsets = await this.client.withRetries(async () => {
      const nodeId = await this.client.coordinator(groupId);
      const topics = partitions === null ? null : [...byTopic(partitions)].map(([name, ps]) => ({ name, partitionIndexes: ps.map((p) => p.partition) }));
      const { version, response } = await call(this.client, nodeId, ApiKey.OffsetFetch, 9, (v) => {
        if (v >= 8) return { groups: [{ groupId, topics }] };
        if (topics === null && v < 2) throw new ClientError('UNSUPPORTED', 'fetching all offsets of a group needs OffsetFetch v2');
        return { groupId, topics };
      }, 1);
      const group = version >= 8 ? response.groups?.find((g) => g.groupId === groupId) : { errorCode: response.errorCode ?? 0, topics: response.topics ?? [] };
      if (!group) throw ClientError.kafka(ErrorCode.UNKNOWN_SERVER_ERROR, `offsets of group ${groupId}`, 'no result for the group');
      check(group.errorCode, `offsets of group ${groupId}`);
      const out: GroupOffset[] = [];
      for (const t of group.topics ?? []) {
        for (const p of t.partitions ?? []) {
          check(p.errorCode, `offset of group ${groupId} for ${t.name}-${p.partitionIndex}`);
          out.push({
            topic: t.name ?? '',
            partition: p.partitionIndex ?? -1,
            offset: Number(p.committedOffset ?? -1n),
            metadata: p.metadata ?? null,
            leaderEpoch: p.committedLeaderEpoch ?? -1,
          });
        }
      }
      return out;
    });
    return offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /**
   * Commits offsets as a simple (group-less) consumer does: generation -1, no member id. Kafka
   * refuses this for a group with active members; each partition's outcome comes back with its
   * error code (NONE when committed).
   */
  async commitGroupOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<PartitionResult[]> {
    const outcomes = await settleItems<OffsetToCommit, ItemOutcome>(this.client, offsets, tpKey, async (pending) => {
      const nodeId = await this.client.coordinator(groupId);
      const { response } = await call(this.client, nodeId, ApiKey.OffsetCommit, 9, (v) => ({
        groupId,
        // A simple consumer's commit: no generation, no member (fields of v1+).
        ...(v >= 1 ? { generationIdOrMemberEpoch: -1, memberId: '' } : {}),
        topics: [...byTopic(pending)].map(([name, ps]) => ({
          name,
          partitions: ps.map((p) => ({
            partitionIndex: p.partition,
            committedOffset: BigInt(p.offset),
            ...(v >= 6 && p.leaderEpoch !== undefined ? { committedLeaderEpoch: p.leaderEpoch } : {}),
            committedMetadata: p.metadata ?? '',
          })),
        })),
      }));
      const out = new Map<string, ItemOutcome>();
      for (const t of response.topics) for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode });
      return withMissing(out, pending.map(tpKey));
    });
    return partitionResults(offsets, outcomes);
  }

  /** Deletes the group's committed offsets of partitions (OffsetDelete); per-partition outcomes. */
  async deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<PartitionResult[]> {
    const outcomes = await settleItems<TopicPartition, ItemOutcome>(this.client, partitions, tpKey, async (pending) => {
      const nodeId = await this.client.coordinator(groupId);
      const { response } = await call(this.client, nodeId, ApiKey.OffsetDelete, 0, () => ({
        groupId,
        topics: [...byTopic(pending)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition })) })),
      }));
      // A group-level error applies to every partition; retriable ones are retried, others thrown.
      if (response.errorCode !== ErrorCode.NONE) {
        if (isRetriable(response.errorCode)) return new Map(pending.map((p) => [tpKey(p), { errorCode: response.errorCode }]));
        throw ClientError.kafka(response.errorCode, `delete offsets of group ${groupId}`);
      }
      const out = new Map<string, ItemOutcome>();
      for (const t of response.topics) for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode });
      return withMissing(out, pending.map(tpKey));
    });
    return partitionResults(partitions, outcomes);
  }

  /** Deletes records before the given offsets; returns each partition's new low watermark. */
  async deleteRecords(requests: readonly RecordsToDelete[], options: { timeoutMs?: number } = {}): Promise<DeletedRecords[]> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    type Outcome = ItemOutcome & { lowWatermark?: number };
    const outcomes = await settleItems<RecordsToDelete, Outcome>(this.client, requests, tpKey, async (pending) => {
      const { byLeader, failed } = await groupByLeader(this.client, pending);
      const out = new Map<string, Outcome>(failed);
      await Promise.all([...byLeader].map(async ([leader, parts]) => {
        const { response } = await call(this.client, leader, ApiKey.DeleteRecords, 2, () => ({
          topics: [...byTopic(parts)].map(([name, ps]) => ({ name, partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: BigInt(p.offset) })) })),
          timeoutMs,
        }));
        for (const t of response.topics) {
          for (const p of t.partitions) out.set(tpKey({ topic: t.name, partition: p.partitionIndex }), { errorCode: p.errorCode, lowWatermark: Number(p.lowWatermark) });
        }
      }));
      return withMissing(out, pending.map(tpKey));
    });
    return requests.map((r) => {
      const o = outcomes.get(tpKey(r));
      check(o?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `delete records of ${r.topic}-${r.partition}`, o?.errorMessage);
      return { topic: r.topic, partition: r.partition, lowWatermark: o!.lowWatermark ?? -1 };
    });
  }

  // ---- cluster ----

  async describeCluster(): Promise<ClusterDescription> {
    return this.client.withRetries(async () => {
      const conn = await connectionTo(this.client, 'any');
      const v = conn.version(ApiKey.DescribeCluster, 1);
      if (v !== undefined) {
        const response = await conn.request(ApiKey.DescribeCluster, { includeClusterAuthorizedOperations: false }, v);
        check(response.errorCode, 'describe cluster', response.errorMessage);
        return {
          clusterId: response.clusterId,
          controllerId: response.controllerId,
          brokers: response.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId),
        };
      }
      const md = await this.client.refreshMetadata([]);
      return {
        clusterId: md.clusterId,
        controllerId: md.controllerId,
        brokers: [...md.brokers.values()].map((b) => ({ ...b })).sort((a, b) => a.nodeId - b.nodeId),
      };
    });
  }

  private async byCoordinator(groupIds: readonly string[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    for (const id of groupIds) {
      const nodeId = await this.client.coordinator(id);
      const list = out.get(nodeId);
      if (list) list.push(id);
      else out.set(nodeId, [id]);
    }
    return out;
  }
}

function configTarget(r: { type: ConfigResourceType; name: string }): Target {
  if ((r.type === 'broker' || r.type === 'broker-logger') && /^\d+$/.test(r.name)) return Number(r.name);
  return 'any';
}

function specTimestamp(spec: OffsetSpec): bigint {
  if (spec === 'earliest') return -2n;
  if (spec === 'latest') return -1n;
  if (spec === 'max-timestamp') return -3n;
  if (typeof spec === 'object' && Number.isInteger(spec.timestamp) && spec.timestamp >= 0) return BigInt(spec.timestamp);
  throw new ClientError('INVALID_ARGUMENT', `not an offset spec: ${JSON.stringify(spec)}`);
}

/** Marks items the response said nothing about as UNKNOWN_SERVER_ERROR (final). */
function withMissing<R extends ItemOutcome>(out: Map<string, R>, keys: readonly string[]): Map<string, R> {
  for (const k of keys) if (!out.has(k)) out.set(k, { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: 'missing from the response' } as R);
  return out;
}

function throwFirst<T extends { errorCode: number; errorMessage: string | null }>(results: readonly T[], context: (r: T) => string): void {
  const failed = results.find((r) => r.errorCode !== ErrorCode.NONE);
  if (failed) throw ClientError.kafka(failed.errorCode, context(failed), failed.errorMessage);
}

function partitionResults(items: readonly TopicPartition[], outcomes: Map<string, ItemOutcome>): PartitionResult[] {
  return items.map((p) => {
    const code = outcomes.get(tpKey(p))?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    return { topic: p.topic, partition: p.partition, errorCode: code, error: errorName(code) };
  });
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
