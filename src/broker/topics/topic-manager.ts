/**
 * TopicManager: creating, deleting and reconfiguring topics with Kafka's validation and error
 * codes, for CreateTopics, DeleteTopics, CreatePartitions, the config APIs and automatic topic
 * creation. It changes the metadata store first (durably) and then the partitions this broker
 * holds.
 *
 * Contract: the only writer of topic metadata. Each change checks and applies its in-memory
 * effect in one synchronous step before awaiting persistence, so concurrent requests for the
 * same topic see each other (the second create gets TOPIC_ALREADY_EXISTS).
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../common/config/config-def.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { logConfigFrom, TOPIC_CONFIG_BY_NAME } from '../../storage/log-config.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { MetadataStore, PartitionMetadata, TopicMetadata } from '../metadata/metadata-store.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import { electLeader } from './leader-election.js';
import { manualAssignmentProblem } from './replica-assignment.js';
import { collisionKey, INTERNAL_TOPICS, topicNameProblem } from './topic-names.js';

export interface TopicError {
  errorCode: number;
  errorMessage: string | null;
}

export interface ElectionResult {
  topic: string;
  partitions: { partitionId: number; errorCode: number; errorMessage: string | null }[];
}

export const OK: TopicError = { errorCode: ErrorCode.NONE, errorMessage: null };

function fail(errorCode: number, errorMessage: string): TopicError {
  return { errorCode, errorMessage };
}

export interface CreateTopicSpec {
  name: string;
  numPartitions: number; // -1: num.partitions
  replicationFactor: number; // -1: default.replication.factor
  assignments?: { partitionIndex: number; brokerIds: number[] }[];
  configs?: Record<string, string | null>;
}

export interface CreateTopicResult extends TopicError {
  topic?: TopicMetadata;
}

function newTopicId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    // Kafka never hands out the zero UUID or ids starting with '-' (they read as flags in tools)
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA') return id;
  }
}

export class TopicManager {
  /** Called after a topic is deleted (the group coordinator drops its offsets). */
  onTopicDeleted: ((name: string) => Promise<void>) | undefined;

  constructor(
    private readonly metadata: MetadataStore,
    private readonly replicas: ReplicaManager,
    private readonly config: BrokerConfig,
    private readonly nodeId: number,
  ) {}

  /** Checks topic config overrides: known names and valid values. */
  validateConfigs(configs: Record<string, string | null>): TopicError {
    const given: Record<string, string> = {};
    for (const [name, value] of Object.entries(configs)) {
      if (!TOPIC_CONFIG_BY_NAME.has(name)) return fail(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
      if (value === null) return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${name}`);
      given[name] = value;
    }
    try {
      logConfigFrom(given);
    } catch (e) {
      if (e instanceof ConfigError) return fail(ErrorCode.INVALID_CONFIG, `Invalid value for configuration ${e.message}`);
      throw e;
    }
    return OK;
  }

  private checkName(name: string): TopicError {
    const problem = topicNameProblem(name);
    if (problem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.metadata.topic(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const key = collisionKey(name);
    const clash = this.metadata.topics().find((t) => collisionKey(t.name) === key);
    if (clash) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${clash.name}`);
    return OK;
  }

  private brokerIds(): number[] {
    return this.metadata.brokers().map((b) => b.nodeId);
  }

  /** The partitions a new topic gets, or the error that prevents it. */
  private plan(spec: CreateTopicSpec): TopicError | PartitionMetadata[] {
    const brokers = this.brokerIds();
    if (spec.assignments && spec.assignments.length > 0) {
      if (spec.replicationFactor !== -1) return fail(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but replication factor was not set to -1.');
      if (spec.numPartitions !== -1) return fail(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was specified, but numPartitions was not set to -1.');
      const registered = new Set(brokers);
      const byIndex = new Map<number, number[]>();
      let rf: number | undefined;
      for (const a of spec.assignments) {
        if (byIndex.has(a.partitionIndex)) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Found multiple manual partition assignments for partition ${a.partitionIndex}`);
        const problem = manualAssignmentProblem(a.brokerIds, registered, rf);
        if (problem) return problem;
        rf = a.brokerIds.length;
        byIndex.set(a.partitionIndex, a.brokerIds);
      }
      for (let i = 0; i < byIndex.size; i++) {
        if (!byIndex.has(i)) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence');
      }
      return [...byIndex.keys()].sort((a, b) => a - b).map((i) => this.partitionOn(i, byIndex.get(i)!));
    }
    const count = spec.numPartitions === -1 ? this.config.int('num.partitions') : spec.numPartitions;
    const rf = spec.replicationFactor === -1 ? this.config.int('default.replication.factor') : spec.replicationFactor;
    if (count <= 0) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    if (rf <= 0) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    if (rf > brokers.length) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${brokers.length} broker(s) are registered.`);
    }
    return Array.from({ length: count }, (_, i) => this.partitionOn(i, rotate(brokers, i).slice(0, rf)));
  }

  private partitionOn(partition: number, replicas: number[]): PartitionMetadata {
    return { partition, replicas, isr: [...replicas], leader: replicas[0]!, leaderEpoch: 0 };
  }

  /** Validates a creation without applying it. */
  check(spec: CreateTopicSpec): TopicError | { partitions: PartitionMetadata[]; configs: Record<string, string> } {
    const named = this.checkName(spec.name);
    if (named.errorCode !== ErrorCode.NONE) return named;
    const configs = this.validateConfigs(spec.configs ?? {});
    if (configs.errorCode !== ErrorCode.NONE) return configs;
    const partitions = this.plan(spec);
    if (!Array.isArray(partitions)) return partitions;
    return { partitions, configs: { ...(spec.configs ?? {}) } as Record<string, string> };
  }

  async create(spec: CreateTopicSpec, validateOnly = false, internal = INTERNAL_TOPICS.has(spec.name)): Promise<CreateTopicResult> {
    const checked = this.check(spec);
    if ('errorCode' in checked) return checked;
    const topic: TopicMetadata = { name: spec.name, topicId: newTopicId(), internal, partitions: checked.partitions, configs: checked.configs };
    if (validateOnly) return { ...OK, topic };
    const persisted = this.metadata.createTopic(topic);
    this.replicas.addTopic(topic);
    await persisted;
    return { ...OK, topic };
  }

  /** Metadata's automatic creation with the broker defaults; resolves to the error code. */
  async autoCreate(name: string): Promise<TopicError> {
    if (this.metadata.topic(name)) return OK;
    const r = await this.create({ name, numPartitions: -1, replicationFactor: -1 });
    if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) return OK;
    return r;
  }

  async delete(name: string): Promise<TopicError> {
    if (!this.config.bool('delete.topic.enable')) return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    const persisted = this.metadata.deleteTopic(name);
    const removed = this.replicas.removeTopic(name);
    await Promise.all([persisted, removed]);
    await this.onTopicDeleted?.(name);
    return OK;
  }

  /** CreatePartitions: grows a topic to `count` partitions. */
  async createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly: boolean): Promise<TopicError> {
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const current = topic.partitions.length;
    if (count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`);
    if (count < current) return fail(ErrorCode.INVALID_PARTITIONS, `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`);
    const rf = topic.partitions[0]?.replicas.length ?? 1;
    const brokers = this.brokerIds();
    if (assignments && assignments.length !== count - current) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${count - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`);
    }
    const registered = new Set(brokers);
    const added: PartitionMetadata[] = [];
    for (let i = current; i < count; i++) {
      const replicas = assignments ? assignments[i - current]! : rotate(brokers, i).slice(0, rf);
      const problem = manualAssignmentProblem(replicas, registered, rf);
      if (problem) return problem;
      added.push(this.partitionOn(i, replicas));
    }
    if (validateOnly) return OK;
    const persisted = this.metadata.addPartitions(name, added);
    this.replicas.addTopic(this.metadata.topic(name)!);
    await persisted;
    return OK;
  }

  /**
   * ElectLeaders: elects by `type` (see leader-election.ts) in each named partition, or in every
   * partition when `partitions` is null (then partitions that need no election are left out, as
   * Kafka's controller answers). Leader changes are written to the metadata with a new leader epoch.
   */
  async electLeaders(type: number, partitions: { topic: string; partitions: number[] }[] | null): Promise<ElectionResult[]> {
    const live = new Set(this.brokerIds());
    const wanted = partitions ?? this.metadata.topics().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    const results: ElectionResult[] = [];
    for (const { topic, partitions: ids } of wanted) {
      const t = this.metadata.topic(topic);
      const changed: PartitionMetadata[] = [];
      const out: ElectionResult = { topic, partitions: [] };
      for (const id of ids) {
        const p = t?.partitions.find((x) => x.partition === id);
        const outcome = p ? electLeader(p, type, live)
          : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: t ? `No such partition as ${topic}-${id}` : `No such topic as ${topic}` };
        if (p && outcome.leader !== undefined) changed.push({ ...p, leader: outcome.leader, leaderEpoch: p.leaderEpoch + 1 });
        if (partitions === null && outcome.errorCode === ErrorCode.ELECTION_NOT_NEEDED) continue;
        out.partitions.push({ partitionId: id, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage });
      }
      if (changed.length > 0) {
        await this.metadata.updatePartitions(topic, changed);
        this.replicas.updateLeadership(this.metadata.topic(topic)!);
      }
      results.push(out);
    }
    return results;
  }

  /** Replaces a topic's config overrides (already validated by the caller). */
  async setConfigs(name: string, configs: Record<string, string>): Promise<TopicError> {
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    const persisted = this.metadata.setTopicConfigs(name, configs);
    this.replicas.updateConfig(this.metadata.topic(name)!);
    await persisted;
    return OK;
  }
}

function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
