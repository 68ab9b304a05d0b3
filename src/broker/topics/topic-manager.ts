/**
 * TopicManager: creating, deleting and reconfiguring topics with Kafka's validation and error
 * codes, for CreateTopics, DeleteTopics, CreatePartitions, the config APIs, ElectLeaders and
 * automatic topic creation.
 *
 * Only the controller changes topics: on it (and on a single node) the checks run here and the
 * change is written to the metadata store; on any other broker the operation is forwarded to the
 * controller as the equivalent Kafka request (topic-forwarding.ts). The partitions this broker
 * holds follow the store's change announcements (MetadataApplier), not these calls.
 *
 * Contract: the store refuses a creation that lost a race (StaleMetadataError), which becomes
 * TOPIC_ALREADY_EXISTS; a store that cannot be reached gives REQUEST_TIMED_OUT, which clients retry.
 */
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../common/config/config-def.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { logConfigFrom, TOPIC_CONFIG_BY_NAME } from '../../storage/log-config.js';
import type { BrokerConfig } from '../config/broker-config.js';
import type { ControllerChannel } from '../metadata/controller-channel.js';
import {
  MetadataUnavailableError, NotControllerError, StaleMetadataError, type MetadataStore, type PartitionMetadata, type PartitionUpdate, type TopicMetadata,
} from '../metadata/metadata-store.js';
import { electLeader } from './leader-election.js';
import { placeReplicas } from './replica-placement.js';
import { forwardCreate, forwardCreatePartitions, forwardDelete, forwardElectLeaders, forwardSetConfigs } from './topic-forwarding.js';
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

/** The Kafka error for a store write that failed; rethrows what is not a store failure. */
function storeError(e: unknown, stale: TopicError): TopicError {
  if (e instanceof NotControllerError) return fail(ErrorCode.NOT_CONTROLLER, e.message);
  if (e instanceof StaleMetadataError) return stale;
  if (e instanceof MetadataUnavailableError) return fail(ErrorCode.REQUEST_TIMED_OUT, e.message);
  throw e;
}

export class TopicManager {
  constructor(
    private readonly metadata: MetadataStore,
    private readonly config: BrokerConfig,
    private readonly controller: ControllerChannel,
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
    return this.metadata.brokers().map((b) => b.nodeId).sort((a, b) => a - b);
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
    const placeable = this.metadata.placeableBrokers();
    if (rf > placeable.length) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${placeable.length} broker(s) are registered.`);
    }
    return placeReplicas(placeable, count, rf).map((replicas, i) => this.partitionOn(i, replicas));
  }

  /** A new partition: led by its first replica, every replica in sync (all are empty). */
  private partitionOn(partition: number, replicas: number[]): PartitionMetadata {
    return { partition, replicas, isr: [...replicas], leader: replicas[0]!, leaderEpoch: 0, partitionEpoch: 0 };
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
    if (!this.controller.isLocal()) return forwardCreate(this.controller, this.metadata, spec, validateOnly);
    const checked = this.check(spec);
    if ('errorCode' in checked) return checked;
    const topic: TopicMetadata = { name: spec.name, topicId: newTopicId(), internal, partitions: checked.partitions, configs: checked.configs };
    if (validateOnly) return { ...OK, topic };
    try {
      await this.metadata.createTopic(topic);
    } catch (e) {
      return storeError(e, fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`));
    }
    return { ...OK, topic: this.metadata.topic(spec.name) ?? topic };
  }

  /** Metadata's automatic creation with the broker defaults; resolves to the error code. */
  async autoCreate(name: string): Promise<TopicError> {
    if (this.metadata.topic(name)) return OK;
    const r = await this.create({ name, numPartitions: -1, replicationFactor: -1 });
    if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) return OK;
    return r;
  }

  async delete(name: string): Promise<TopicError> {
    if (!this.controller.isLocal()) return forwardDelete(this.controller, name);
    if (!this.config.bool('delete.topic.enable')) return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    try {
      await this.metadata.deleteTopic(name);
    } catch (e) {
      return storeError(e, fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.'));
    }
    return OK;
  }

  /** CreatePartitions: grows a topic to `count` partitions. */
  async createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly: boolean): Promise<TopicError> {
    if (!this.controller.isLocal()) return forwardCreatePartitions(this.controller, name, count, assignments, validateOnly);
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
    const placeable = this.metadata.placeableBrokers();
    if (!assignments && rf > placeable.length) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${placeable.length} broker(s) are registered.`);
    }
    const registered = new Set(brokers);
    const placed = assignments ?? placeReplicas(placeable, count - current, rf, { startPartition: current });
    const added: PartitionMetadata[] = [];
    for (let i = current; i < count; i++) {
      const replicas = placed[i - current]!;
      const problem = manualAssignmentProblem(replicas, registered, rf);
      if (problem) return problem;
      added.push(this.partitionOn(i, replicas));
    }
    if (validateOnly) return OK;
    try {
      await this.metadata.addPartitions(name, added);
    } catch (e) {
      return storeError(e, fail(ErrorCode.INVALID_PARTITIONS, `The topic ${name} changed while partitions were added; try again.`));
    }
    return OK;
  }

  /**
   * ElectLeaders: elects by `type` (see leader-election.ts) in each named partition, or in every
   * partition when `partitions` is null (then partitions that need no election are left out, as
   * Kafka's controller answers). Leader changes are written to the metadata with a new leader epoch.
   */
  async electLeaders(type: number, partitions: { topic: string; partitions: number[] }[] | null): Promise<ElectionResult[]> {
    if (!this.controller.isLocal()) return forwardElectLeaders(this.controller, type, partitions);
    const live = new Set(this.brokerIds());
    const wanted = partitions ?? this.metadata.topics().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    const results: ElectionResult[] = [];
    for (const { topic, partitions: ids } of wanted) {
      const t = this.metadata.topic(topic);
      const changed: PartitionUpdate[] = [];
      const out: ElectionResult = { topic, partitions: [] };
      for (const id of ids) {
        const p = t?.partitions.find((x) => x.partition === id);
        const outcome = p ? electLeader(p, type, live)
          : { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: t ? `No such partition as ${topic}-${id}` : `No such topic as ${topic}` };
        if (p && outcome.leader !== undefined) {
          changed.push({ expectedEpoch: p.partitionEpoch, next: { ...p, leader: outcome.leader, leaderEpoch: p.leaderEpoch + 1, partitionEpoch: p.partitionEpoch + 1 } });
        }
        if (partitions === null && outcome.errorCode === ErrorCode.ELECTION_NOT_NEEDED) continue;
        out.partitions.push({ partitionId: id, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage });
      }
      if (changed.length > 0) {
        try {
          await this.metadata.updatePartitions(topic, changed);
        } catch (e) {
          const error = storeError(e, fail(ErrorCode.REQUEST_TIMED_OUT, `${topic} changed during the election; try again.`));
          for (const r of out.partitions) if (r.errorCode === ErrorCode.NONE) Object.assign(r, error);
        }
      }
      results.push(out);
    }
    return results;
  }

  /** Replaces a topic's config overrides (already validated by the caller). */
  async setConfigs(name: string, configs: Record<string, string>): Promise<TopicError> {
    if (!this.controller.isLocal()) return forwardSetConfigs(this.controller, name, configs);
    const topic = this.metadata.topic(name);
    if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`);
    try {
      await this.metadata.setTopicConfigs(name, configs);
    } catch (e) {
      return storeError(e, fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${name}' does not exist.`));
    }
    return OK;
  }
}
