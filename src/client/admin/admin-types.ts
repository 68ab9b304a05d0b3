/**
 * The admin client's public option and result types (re-exported by admin.ts).
 *
 * Contract: types only; no behaviour.
 */
import type { ConfigEntry, ConfigOp, ConfigResourceType } from './configs.js';

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
  /** Replicas of each partition (partition id → broker ids); numPartitions and replicationFactor are then not sent. */
  replicaAssignments?: Record<number, readonly number[]>;
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
  /** classic, consumer (KIP-848) or share (KIP-932); null before ListGroups v5. */
  type: string | null;
}

export interface ShareGroupDescription {
  groupId: string;
  errorCode: number;
  state: string;
  groupEpoch: number;
  assignor: string;
  members: { memberId: string; clientId: string; clientHost: string; memberEpoch: number; subscribedTopics: string[]; assignment: Record<string, number[]> }[];
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

/** A partition to move to `replicas` (the first is the preferred leader), or, with null, to stop moving. */
export interface ReplicaMove {
  topic: string;
  partition: number;
  replicas: readonly number[] | null;
}

export interface ReassignmentResult extends PartitionResult {
  errorMessage: string | null;
}

export interface OngoingReassignment {
  topic: string;
  partition: number;
  /** Every replica now: the target ones and those being removed. */
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
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
