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
 * Layout: the option and result types live in admin-types.ts (re-exported here); the
 * operations in admin-topics.ts, admin-config-ops.ts, admin-groups.ts, admin-records.ts and
 * admin-reassignments.ts,
 * which the Admin class delegates to.
 *
 * Contract: stateless beyond the client it wraps; methods may be called concurrently.
 */
import type { KafkaClient } from '../kafka-client.js';
import type { AdminContext } from './admin-helpers.js';
import type { ConfigResourceType } from './configs.js';
import type { TopicPartition } from './requests.js';
import * as topicOps from './admin-topics.js';
import * as configOps from './admin-config-ops.js';
import { describeShareGroups } from './admin-share-groups.js';
import * as groupOps from './admin-groups.js';
import * as recordOps from './admin-records.js';
import * as reassignmentOps from './admin-reassignments.js';
import * as scramOps from './admin-scram.js';
import * as aclOps from './admin-acls.js';
import * as quotaOps from './admin-quotas.js';
import * as logDirOps from './admin-log-dirs.js';
import type { AclBinding, AclFilter } from '../../protocol/acl/acl-binding.js';
import type { AdminOptions, NewTopic, ResultOptions, CreateTopicsOptions, CreateTopicResult, DeleteTopicResult, TopicDescription, ConfigResource, DescribeConfigsOptions, ConfigResourceDescription, AlterConfigOperation, GroupListing, GroupDescription, GroupResult, OffsetSpec, ListOffsetsOptions, ListedOffset, GroupOffset, OffsetToCommit, PartitionResult, RecordsToDelete, DeletedRecords, ClusterDescription, ReplicaMove, ReassignmentResult, OngoingReassignment, ShareGroupDescription } from './admin-types.js';

export type { ConfigEntry, ConfigOp, ConfigResourceType, ConfigSourceName, ConfigSynonym, ConfigTypeName } from './configs.js';
export type { TopicPartition } from './requests.js';
export type { ReplicaLogDir } from './admin-log-dirs.js';
export * from './admin-types.js';

export class Admin {
  private readonly timeoutMs: number;
  private readonly ctx: AdminContext;

  constructor(
    readonly client: KafkaClient,
    options: AdminOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.ctx = { client, timeoutMs: this.timeoutMs };
  }

  // ---- topics ----

  createTopics(topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<CreateTopicResult[]> {
    return topicOps.createTopics(this.ctx, topics, options);
  }

  deleteTopics(names: readonly string[], options: ResultOptions & { timeoutMs?: number } = {}): Promise<DeleteTopicResult[]> {
    return topicOps.deleteTopics(this.ctx, names, options);
  }

  /** Topic names, sorted; internal topics (__consumer_offsets, ...) only with includeInternal. */
  listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    return topicOps.listTopics(this.ctx, options);
  }

  /** Topics with their partitions; throws UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist. */
  describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    return topicOps.describeTopics(this.ctx, names);
  }

  /** Grows a topic to `totalCount` partitions. */
  createPartitions(topic: string, totalCount: number, options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<void> {
    return topicOps.createPartitions(this.ctx, topic, totalCount, options);
  }

  /**
   * Starts moving partitions to new replicas (or, with replicas null, cancels a move); answers
   * once each move has started. Per-partition outcomes (NONE when accepted).
   */
  alterPartitionReassignments(moves: readonly ReplicaMove[], options: { timeoutMs?: number } = {}): Promise<ReassignmentResult[]> {
    return reassignmentOps.alterPartitionReassignments(this.ctx, moves, options);
  }

  /** The moves in progress, of the given partitions or of all (null). */
  listPartitionReassignments(partitions: readonly TopicPartition[] | null = null): Promise<OngoingReassignment[]> {
    return reassignmentOps.listPartitionReassignments(this.ctx, partitions);
  }

  // ---- ACLs ----

  /** Creates ACL bindings; an outcome per binding (NONE when stored). */
  createAcls(bindings: readonly AclBinding[]): Promise<aclOps.AclOutcome[]> {
    return aclOps.createAcls(this.ctx, bindings);
  }

  /** The stored bindings a filter matches. */
  describeAcls(filter: AclFilter): Promise<AclBinding[]> {
    return aclOps.describeAcls(this.ctx, filter);
  }

  /** Deletes the bindings each filter matches; per filter, what was deleted. */
  deleteAcls(filters: readonly AclFilter[]): Promise<(aclOps.AclOutcome & { deleted: AclBinding[] })[]> {
    return aclOps.deleteAcls(this.ctx, filters);
  }

  // ---- client quotas ----

  /** Sets (a value) or removes (null) quotas of entities; an outcome per entity. */
  alterClientQuotas(alterations: readonly quotaOps.QuotaAlteration[], validateOnly = false): ReturnType<typeof quotaOps.alterClientQuotas> {
    return quotaOps.alterClientQuotas(this.ctx, alterations, validateOnly);
  }

  /** The quotas of the entities a filter matches. */
  describeClientQuotas(filter: readonly quotaOps.QuotaFilterComponent[], strict = false): Promise<quotaOps.QuotaEntry[]> {
    return quotaOps.describeClientQuotas(this.ctx, filter, strict);
  }

  // ---- SCRAM credentials ----

  /** Sets (with a password, salted here) or deletes users' SCRAM credentials; per-user outcomes. */
  alterUserScramCredentials(changes: readonly scramOps.ScramCredentialChange[]): Promise<scramOps.UserResult[]> {
    return scramOps.alterUserScramCredentials(this.ctx, changes);
  }

  /** Which SCRAM mechanisms (and iteration counts) users have; every user's when `users` is null. */
  describeUserScramCredentials(users: readonly string[] | null = null): Promise<scramOps.UserScramCredentials[]> {
    return scramOps.describeUserScramCredentials(this.ctx, users);
  }

  // ---- configs ----

  describeConfigs(resources: readonly ConfigResource[], options: DescribeConfigsOptions = {}): Promise<ConfigResourceDescription[]> {
    return configOps.describeConfigs(this.ctx, resources, options);
  }

  /** Applies set / delete / append / subtract operations to one resource's dynamic configs. */
  incrementalAlterConfigs(type: ConfigResourceType, name: string, ops: readonly AlterConfigOperation[], options: { validateOnly?: boolean } = {}): Promise<void> {
    return configOps.incrementalAlterConfigs(this.ctx, type, name, ops, options);
  }

  /**
   * The legacy AlterConfigs: replaces the resource's whole set of dynamic configs with `configs`
   * (configs not listed return to their defaults).
   */
  alterConfigs(type: ConfigResourceType, name: string, configs: Record<string, string | null> | readonly { name: string; value: string | null }[], options: { validateOnly?: boolean } = {}): Promise<void> {
    return configOps.alterConfigs(this.ctx, type, name, configs, options);
  }

  // ---- groups ----

  /** The groups of every broker, sorted by id; `states` filters by state (ListGroups v4+), `types` by type (v5+). */
  listGroups(options: { states?: readonly string[]; types?: readonly string[] } = {}): Promise<GroupListing[]> {
    return groupOps.listGroups(this.ctx, options);
  }

  /** Share groups (KIP-932) with their members and partitions. */
  describeShareGroups(groupIds: readonly string[]): Promise<ShareGroupDescription[]> {
    return describeShareGroups(this.ctx, groupIds);
  }

  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return groupOps.describeGroups(this.ctx, groupIds);
  }

  /** Deletes (empty) groups; returns each group's error code (NONE when deleted). */
  deleteGroups(groupIds: readonly string[]): Promise<GroupResult[]> {
    return groupOps.deleteGroups(this.ctx, groupIds);
  }

  // ---- offsets ----

  /**
   * The offset of each partition for the spec: earliest (log start), latest (high watermark, or
   * last stable offset under read_committed), the record with the largest timestamp, or the
   * first offset whose timestamp is at least `timestamp` (-1 when there is none). Returned as
   * topic -> partition -> offset.
   */
  listOffsets(partitions: readonly TopicPartition[], spec: OffsetSpec, options: ListOffsetsOptions = {}): Promise<Map<string, Map<number, ListedOffset>>> {
    return recordOps.listOffsets(this.ctx, partitions, spec, options);
  }

  /** The group's committed offsets: for `partitions`, or for every partition it has (null). */
  fetchGroupOffsets(groupId: string, partitions: readonly TopicPartition[] | null = null): Promise<GroupOffset[]> {
    return groupOps.fetchGroupOffsets(this.ctx, groupId, partitions);
  }

  /**
   * Commits offsets as a simple (group-less) consumer does: generation -1, no member id. Kafka
   * refuses this for a group with active members; each partition's outcome comes back with its
   * error code (NONE when committed).
   */
  commitGroupOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<PartitionResult[]> {
    return groupOps.commitGroupOffsets(this.ctx, groupId, offsets);
  }

  /** Deletes the group's committed offsets of partitions (OffsetDelete); per-partition outcomes. */
  deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<PartitionResult[]> {
    return groupOps.deleteGroupOffsets(this.ctx, groupId, partitions);
  }

  /** Deletes records before the given offsets; returns each partition's new low watermark. */
  deleteRecords(requests: readonly RecordsToDelete[], options: { timeoutMs?: number } = {}): Promise<DeletedRecords[]> {
    return recordOps.deleteRecords(this.ctx, requests, options);
  }

  // ---- cluster ----

  describeCluster(): Promise<ClusterDescription> {
    return recordOps.describeCluster(this.ctx);
  }

  /** The size on disk of every partition replica of the given brokers (all when omitted). */
  describeLogDirs(brokers?: readonly number[]): Promise<logDirOps.ReplicaLogDir[]> {
    return logDirOps.describeLogDirs(this.ctx, brokers);
  }
}
