/**
 * Offsets: committing positions to the group coordinator (OffsetCommit), reading committed
 * positions back (OffsetFetch), and finding a partition's earliest or latest offset at its leader
 * (ListOffsets) for auto.offset.reset and seekToBeginning / seekToEnd.
 *
 * A committed offset is the offset of the next record to consume, as in Kafka. A commit by a
 * group member carries its generation and member id, so the coordinator can refuse commits from a
 * member that is no longer part of the current generation; a consumer outside a group (assign())
 * commits with generation -1 and an empty member id.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode, errorInfo } from '../../protocol/generated/error-codes.js';
import type { BrokerConnection } from '../broker-connection.js';
import { ClientError } from '../client-error.js';
import type { KafkaClient } from '../kafka-client.js';
import { groupByTopic, tpKey, type TopicPartition } from './types.js';

/** The route to a group's coordinator, owned by GroupMembership. */
export interface CoordinatorLink {
  readonly groupId: string;
  /** A connection to the coordinator, found with FindCoordinator when not known. */
  connection(): Promise<BrokerConnection>;
  /** Forgets the coordinator, so the next connection() looks it up again. */
  markUnknown(): void;
}

export interface MemberIdentity {
  generation: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface OffsetToCommit extends TopicPartition {
  offset: bigint;
  metadata?: string | null;
}

const COMMIT_ATTEMPTS = 5;
/** Errors that mean the coordinator must be looked up again. */
export const COORDINATOR_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
]);

/** Errors of a commit or heartbeat that mean the member must rejoin the group. */
export const REJOIN_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.ILLEGAL_GENERATION,
  ErrorCode.UNKNOWN_MEMBER_ID,
  ErrorCode.REBALANCE_IN_PROGRESS,
]);

function isCoordinatorError(e: unknown): boolean {
  if (!(e instanceof ClientError)) return false;
  if (e.code === 'DISCONNECTED' || e.code === 'TIMEOUT' || e.code === 'CONNECT') return true;
  return e.kafkaCode !== undefined && COORDINATOR_ERRORS.has(e.kafkaCode);
}

async function withCoordinator<T>(link: CoordinatorLink, backoffMs: number, attempt: (conn: BrokerConnection) => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < COMMIT_ATTEMPTS; i++) {
    try {
      return await attempt(await link.connection());
    } catch (e) {
      lastError = e;
      const retriable = isCoordinatorError(e) || (e instanceof ClientError && e.retriable);
      if (!retriable || i === COMMIT_ATTEMPTS - 1) break;
      if (isCoordinatorError(e)) link.markUnknown();
      await new Promise((r) => setTimeout(r, backoffMs * 2 ** i));
    }
  }
  throw lastError;
}

/**
 * Commits offsets. Throws ClientError('KAFKA') with the first partition error; coordinator moves
 * and disconnects are retried a few times.
 */
export async function commitOffsets(link: CoordinatorLink, member: MemberIdentity, offsets: readonly OffsetToCommit[], backoffMs: number): Promise<void> {
  if (offsets.length === 0) return;
  const byTopic = new Map<string, OffsetToCommit[]>();
  for (const o of offsets) {
    let list = byTopic.get(o.topic);
    if (!list) byTopic.set(o.topic, (list = []));
    list.push(o);
  }
  await withCoordinator(link, backoffMs, async (conn) => {
    const v = conn.version(ApiKey.OffsetCommit, 8);
    if (v === undefined) throw new ClientError('UNSUPPORTED', `${conn.address} does not support OffsetCommit`);
    if (member.groupInstanceId !== null && v < 7) throw new ClientError('UNSUPPORTED', `${conn.address} does not support static members in OffsetCommit`);
    const res = await conn.request(ApiKey.OffsetCommit, {
      groupId: link.groupId,
      ...(v >= 1 ? { generationIdOrMemberEpoch: member.generation, memberId: member.memberId } : {}),
      ...(v >= 7 ? { groupInstanceId: member.groupInstanceId } : {}),
      topics: [...byTopic].map(([name, parts]) => ({
        name,
        partitions: parts.map((p) => ({ partitionIndex: p.partition, committedOffset: p.offset, committedMetadata: p.metadata ?? '' })),
      })),
    }, v);
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) throw ClientError.kafka(p.errorCode, `commit of ${t.name}-${p.partitionIndex} for group ${link.groupId}`);
      }
    }
  });
}

export type CommittedOffsets = Map<string, { offset: bigint; metadata: string | null }>;

/**
 * The committed offsets of `partitions` (key tpKey); a partition without a committed offset maps
 * to offset -1. A partition whose offset is unstable (a transaction may still commit to it) is
 * left out, to be asked again later.
 */
export async function fetchCommittedOffsets(link: CoordinatorLink, partitions: readonly TopicPartition[], backoffMs: number): Promise<CommittedOffsets> {
  const out: CommittedOffsets = new Map();
  if (partitions.length === 0) return out;
  const grouped = groupByTopic(partitions);
  await withCoordinator(link, backoffMs, async (conn) => {
    const v = conn.version(ApiKey.OffsetFetch, 9);
    if (v === undefined || v < 1) throw new ClientError('UNSUPPORTED', `${conn.address} does not support OffsetFetch v1+`);
    const topics = grouped.map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
    const res = await conn.request(ApiKey.OffsetFetch, v >= 8
      ? { groups: [{ groupId: link.groupId, topics }], requireStable: true }
      : { groupId: link.groupId, topics, ...(v >= 7 ? { requireStable: true } : {}) }, v);
    const groupError = v >= 8 ? res.groups?.[0]?.errorCode ?? ErrorCode.NONE : res.errorCode ?? ErrorCode.NONE;
    if (groupError !== ErrorCode.NONE) throw ClientError.kafka(groupError, `committed offsets of group ${link.groupId}`);
    const resultTopics = v >= 8 ? res.groups?.[0]?.topics ?? [] : res.topics ?? [];
    for (const t of resultTopics) {
      for (const p of t.partitions ?? []) {
        const code = p.errorCode ?? ErrorCode.NONE;
        if (code === ErrorCode.UNSTABLE_OFFSET_COMMIT) continue;
        if (code !== ErrorCode.NONE) throw ClientError.kafka(code, `committed offset of ${t.name}-${p.partitionIndex} for group ${link.groupId}`);
        out.set(tpKey(t.name ?? '', p.partitionIndex ?? -1), { offset: p.committedOffset ?? -1n, metadata: p.metadata ?? null });
      }
    }
  });
  return out;
}

export const EARLIEST_TIMESTAMP = -2n;
export const LATEST_TIMESTAMP = -1n;

export interface ListedOffsets {
  offsets: Map<string, bigint>;
  /** Partitions that failed with a retriable error (a leader move): refresh metadata and ask again. */
  retry: TopicPartition[];
}

/**
 * The earliest (timestamp -2) or latest (-1) offset of each partition, asked of each leader.
 * With read_committed, "latest" is the last stable offset.
 */
export async function listOffsets(client: KafkaClient, requests: readonly (TopicPartition & { timestamp: bigint })[], isolationLevel: number): Promise<ListedOffsets> {
  const result: ListedOffsets = { offsets: new Map(), retry: [] };
  const byLeader = new Map<number, (TopicPartition & { timestamp: bigint })[]>();
  for (const r of requests) {
    const leader = client.metadata.topics.get(r.topic)?.partitions.find((p) => p.partition === r.partition)?.leader ?? -1;
    if (leader < 0) {
      result.retry.push({ topic: r.topic, partition: r.partition });
      continue;
    }
    let list = byLeader.get(leader);
    if (!list) byLeader.set(leader, (list = []));
    list.push(r);
  }
  await Promise.all([...byLeader].map(async ([leader, list]) => {
    try {
      const conn = await client.connection(leader);
      const v = conn.version(ApiKey.ListOffsets, 7);
      if (v === undefined) throw new ClientError('UNSUPPORTED', `${conn.address} does not support ListOffsets`);
      if (isolationLevel !== 0 && v < 2) throw new ClientError('UNSUPPORTED', `${conn.address} does not support read_committed ListOffsets`);
      const topics = new Map<string, { partitionIndex: number; timestamp: bigint; maxNumOffsets?: number }[]>();
      for (const r of list) {
        let parts = topics.get(r.topic);
        if (!parts) topics.set(r.topic, (parts = []));
        parts.push({ partitionIndex: r.partition, timestamp: r.timestamp, ...(v === 0 ? { maxNumOffsets: 1 } : {}) });
      }
      const res = await conn.request(ApiKey.ListOffsets, {
        replicaId: -1,
        ...(v >= 2 ? { isolationLevel } : {}),
        topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
      }, v);
      for (const t of res.topics) {
        for (const p of t.partitions) {
          const tp = { topic: t.name, partition: p.partitionIndex };
          if (p.errorCode !== ErrorCode.NONE) {
            if (errorInfo(p.errorCode)?.retriable ?? false) result.retry.push(tp);
            else throw ClientError.kafka(p.errorCode, `ListOffsets of ${t.name}-${p.partitionIndex}`);
            continue;
          }
          const offset = v === 0 ? p.oldStyleOffsets?.[0] : p.offset;
          if (offset === undefined || offset < 0n) result.retry.push(tp);
          else result.offsets.set(tpKey(tp.topic, tp.partition), offset);
        }
      }
    } catch (e) {
      if (e instanceof ClientError && (e.retriable || e.code === 'CONNECT')) {
        for (const r of list) result.retry.push({ topic: r.topic, partition: r.partition });
      } else {
        throw e;
      }
    }
  }));
  return result;
}
