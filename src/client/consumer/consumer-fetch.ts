/**
 * The consumer's fetch path: finding starting positions (committed offsets, else ListOffsets by
 * auto.offset.reset), sending fetches to partition leaders, applying their results to the
 * partition buffers, draining buffered records for poll, and keeping metadata fresh (including
 * the group leader's check of the subscribed topics' partition counts).
 *
 * Ownership contract: stateless functions over the ConsumerCore of one Consumer; fetches stay in
 * flight after poll returns and write their results into the core (ignoring stale ones), then
 * wake the poll loop.
 */
import { ErrorCode, errorInfo } from '../../protocol/generated/error-codes.js';
import { ClientError } from '../client-error.js';
import { READ_COMMITTED, READ_UNCOMMITTED, type PartitionFetch } from './fetcher.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, fetchCommittedOffsets, listOffsets } from './offsets.js';
import { tpKey, type ConsumerRecord } from './types.js';
import { isRetriable, type ConsumerCore, type PartitionState } from './consumer-state.js';

/** Finds missing positions; false when some could not be found yet (retry after a backoff). */
export async function updatePositions(core: ConsumerCore): Promise<boolean> {
  let complete = true;
  const needCommitted = [...core.partitions.values()].filter((s) => s.position === null && s.needsCommitted);
  if (needCommitted.length > 0 && core.membership !== null) {
    try {
      const committed = await fetchCommittedOffsets(core.membership, needCommitted, core.options.retryBackoffMs);
      for (const s of needCommitted) {
        if (core.partitions.get(tpKey(s.topic, s.partition)) !== s || !s.needsCommitted || s.position !== null) continue;
        const c = committed.get(tpKey(s.topic, s.partition));
        if (c === undefined) {
          complete = false; // unstable: a transaction may still commit an offset
          continue;
        }
        s.needsCommitted = false;
        if (c.offset >= 0n) s.position = c.offset;
        else s.reset = core.options.autoOffsetReset;
      }
    } catch (e) {
      if (!isRetriable(e)) throw e;
      complete = false;
    }
  }
  const needReset = [...core.partitions.values()].filter((s) => s.position === null && !s.needsCommitted && s.reset !== null);
  if (needReset.length > 0) {
    const asked = needReset.map((s) => ({ s, policy: s.reset! }));
    try {
      const missing = needReset.filter((s) => !core.client.metadata.topics.has(s.topic));
      if (missing.length > 0) await refreshMetadata(core);
      const listed = await listOffsets(core.client, asked.map(({ s, policy }) => ({
        topic: s.topic, partition: s.partition, timestamp: policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
      })), core.options.isolationLevel === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED);
      for (const { s, policy } of asked) {
        if (core.partitions.get(tpKey(s.topic, s.partition)) !== s || s.reset !== policy || s.position !== null) continue;
        const offset = listed.offsets.get(tpKey(s.topic, s.partition));
        if (offset === undefined) continue;
        s.position = offset;
        s.reset = null;
      }
      if (listed.retry.length > 0) {
        core.metadataStale = true;
        complete = false;
      }
    } catch (e) {
      if (!isRetriable(e)) throw e;
      core.metadataStale = true;
      complete = false;
    }
  }
  return complete;
}

/** Takes buffered records, at most maxPollRecords, moving each partition's position. */
export function drain(core: ConsumerCore): ConsumerRecord[] {
  const out: ConsumerRecord[] = [];
  const drained: string[] = [];
  for (const [key, s] of core.partitions) {
    if (out.length >= core.options.maxPollRecords) break;
    if (s.paused || s.bufferIndex >= s.buffer.length) continue;
    while (out.length < core.options.maxPollRecords && s.bufferIndex < s.buffer.length) {
      const r = s.buffer[s.bufferIndex++]!;
      out.push(r.record);
      s.position = r.offset + 1n;
    }
    if (s.bufferIndex >= s.buffer.length) {
      if (s.bufferEnd > (s.position ?? -1n)) s.position = s.bufferEnd;
      core.clearBuffer(s);
    }
    drained.push(key);
  }
  // partitions just drained go to the back, so the others are served first next time
  for (const key of drained) {
    const s = core.partitions.get(key)!;
    core.partitions.delete(key);
    core.partitions.set(key, s);
  }
  return out;
}

export function fetchable(core: ConsumerCore, s: PartitionState): boolean {
  return s.position !== null && !s.paused && !s.fetching && s.bufferIndex >= s.buffer.length;
}

export function leaderOf(core: ConsumerCore, s: PartitionState): number {
  return core.client.metadata.topics.get(s.topic)?.partitions.find((p) => p.partition === s.partition)?.leader ?? -1;
}

/** Sends a fetch to every leader with fetchable partitions; returns when a node's backoff ends. */
export function sendFetches(core: ConsumerCore): number | undefined {
  const now = Date.now();
  let backoffEnds: number | undefined;
  const byNode = new Map<number, PartitionState[]>();
  for (const s of core.partitions.values()) {
    if (!fetchable(core, s)) continue;
    const leader = leaderOf(core, s);
    if (leader < 0) {
      core.metadataStale = true;
      continue;
    }
    if (core.fetchingNodes.has(leader)) continue;
    const until = core.nodeBackoffUntil.get(leader) ?? 0;
    if (until > now) {
      backoffEnds = Math.min(backoffEnds ?? until, until);
      continue;
    }
    let list = byNode.get(leader);
    if (!list) byNode.set(leader, (list = []));
    list.push(s);
  }
  for (const [node, states] of byNode) {
    core.fetchingNodes.add(node);
    for (const s of states) s.fetching = true;
    const targets = states.map((s) => ({ topic: s.topic, partition: s.partition, offset: s.position! }));
    void core.fetcher.fetch(node, targets).then(
      (results) => applyFetch(core, states, results),
      (e: unknown) => {
        if (!isRetriable(e)) {
          core.pendingError ??= e as Error;
        }
        core.metadataStale = true;
        core.nodeBackoffUntil.set(node, Date.now() + core.options.retryBackoffMs);
      },
    ).catch((e: unknown) => {
      core.pendingError ??= e instanceof Error ? e : new Error(String(e));
    }).finally(() => {
      core.fetchingNodes.delete(node);
      for (const s of states) s.fetching = false;
      core.wake();
    });
  }
  return backoffEnds;
}

export function applyFetch(core: ConsumerCore, states: PartitionState[], results: PartitionFetch[]): void {
  if (core.closed) return;
  const byKey = new Map(states.map((s) => [tpKey(s.topic, s.partition), s]));
  for (const r of results) {
    const s = byKey.get(tpKey(r.topic, r.partition));
    // dropped, reassigned, moved by seek or already holding records since: the result is stale
    if (!s || core.partitions.get(tpKey(s.topic, s.partition)) !== s || s.position !== r.fetchOffset || s.bufferIndex < s.buffer.length) continue;
    if (r.errorCode === ErrorCode.NONE) {
      s.highWatermark = r.highWatermark;
      if (r.error) {
        core.pendingError ??= r.error;
        continue;
      }
      if (r.records.length > 0) {
        s.buffer = r.records;
        s.bufferIndex = 0;
        s.bufferEnd = r.nextOffset;
      } else if (r.nextOffset > s.position) {
        s.position = r.nextOffset;
      }
      continue;
    }
    switch (r.errorCode) {
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        s.position = null;
        s.reset = core.options.autoOffsetReset;
        break;
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.LEADER_NOT_AVAILABLE:
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.FENCED_LEADER_EPOCH:
      case ErrorCode.UNKNOWN_LEADER_EPOCH:
      case ErrorCode.REPLICA_NOT_AVAILABLE:
      case ErrorCode.KAFKA_STORAGE_ERROR:
      case ErrorCode.OFFSET_NOT_AVAILABLE:
        core.metadataStale = true;
        break;
      default:
        if (errorInfo(r.errorCode)?.retriable ?? false) core.metadataStale = true;
        else core.pendingError ??= ClientError.kafka(r.errorCode, `Fetch of ${r.topic}-${r.partition}`);
    }
  }
}

export async function refreshMetadata(core: ConsumerCore): Promise<void> {
  const topics = new Set<string>(core.subscription);
  for (const s of core.partitions.values()) topics.add(s.topic);
  if (core.topicSnapshot) for (const t of core.topicSnapshot.keys()) topics.add(t);
  core.nextMetadataRefreshAt = Date.now() + core.options.retryBackoffMs;
  core.metadataStale = false;
  try {
    await core.client.refreshMetadata([...topics], core.mode === 'subscribe' && core.options.allowAutoTopicCreation);
  } catch {
    core.metadataStale = true;
  }
}

export async function maybeRefreshMetadata(core: ConsumerCore): Promise<void> {
  const now = Date.now();
  const missing = [...core.partitions.values()].some((s) => !core.client.metadata.topics.has(s.topic));
  if ((core.metadataStale || missing) && now >= core.nextMetadataRefreshAt) await refreshMetadata(core);
  // the leader rebalances when a subscribed topic's partition count changes
  if (core.topicSnapshot && core.mode === 'subscribe' && now >= core.nextSnapshotCheckAt) {
    core.nextSnapshotCheckAt = now + core.options.metadataMaxAgeMs;
    await refreshMetadata(core);
    for (const [topic, count] of core.topicSnapshot) {
      const info = core.client.metadata.topics.get(topic);
      const current = info && info.errorCode === ErrorCode.NONE ? info.partitions.length : 0;
      if (current !== count) {
        core.needsJoin = true;
        break;
      }
    }
    for (const topic of core.subscription) {
      const info = core.client.metadata.topics.get(topic);
      if (!core.topicSnapshot.has(topic) && info && info.errorCode === ErrorCode.NONE && info.partitions.length > 0) core.needsJoin = true;
    }
  }
}
