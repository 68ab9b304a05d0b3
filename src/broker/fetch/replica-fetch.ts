/**
 * Fetches from followers (a replica id >= 0: the request's ReplicaId before v15, ReplicaState
 * from v15). Each partition must be led here, at the follower's current leader epoch
 * (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH otherwise), and the follower must be one of its
 * replicas. The fetch offset is the follower's log end offset: it is recorded first (it may move
 * the high watermark and let the follower back into the ISR), then batches are read from there up
 * to the leader's log end, not just the high watermark. Fetch sessions are not used: every
 * replica fetch names its partitions. A fetch with nothing to return waits up to max wait for an
 * append to one of its partitions.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FetchRequest } from '../../protocol/generated/messages/FetchRequest.js';
import type { FetchResponse, FetchResponsePartitionData, FetchResponseFetchableTopicResponse as TopicOut } from '../../protocol/generated/messages/FetchResponse.js';
import { kafkaErrorCodeOf } from '../errors.js';
import type { Partition } from '../replica/partition.js';
import type { BrokerServices } from '../services.js';
import { notServedError } from '../topics/topic-partitions.js';
import { waitForData } from './wait-for-data.js';

const NO_RECORDS = Buffer.alloc(0);

/** The follower's node id, or -1 for a consumer's fetch. */
export function fetchingReplica(request: FetchRequest, version: number): number {
  return version >= 15 ? (request.replicaState?.replicaId ?? -1) : (request.replicaId ?? -1);
}

interface Wanted {
  topic: string | undefined;
  topicId: string;
  partition: number;
  fetchOffset: number;
  currentLeaderEpoch: number;
  maxBytes: number;
  /** The follower's log start offset (-1 before v5). */
  logStartOffset: number;
}

function data(index: number, errorCode: number, p?: Partition, records: Buffer = NO_RECORDS): FetchResponsePartitionData {
  return {
    partitionIndex: index, errorCode,
    highWatermark: BigInt(p ? p.highWatermark : -1),
    lastStableOffset: BigInt(p ? p.lastStableOffset : -1),
    logStartOffset: BigInt(p ? p.logStartOffset : -1),
    abortedTransactions: null, preferredReadReplica: -1, records,
  };
}

async function readOne(services: BrokerServices, replicaId: number, w: Wanted, record: boolean): Promise<{ out: FetchResponsePartitionData; partition?: Partition; bytes: number }> {
  if (w.topic === undefined) return { out: data(w.partition, ErrorCode.UNKNOWN_TOPIC_ID), bytes: 0 };
  const p = services.replicas.get(w.topic, w.partition);
  if (!p) return { out: data(w.partition, notServedError(services.metadata, w.topic, w.partition)), bytes: 0 };
  if (w.currentLeaderEpoch >= 0 && w.currentLeaderEpoch < p.leaderEpoch) return { out: data(w.partition, ErrorCode.FENCED_LEADER_EPOCH, p), bytes: 0 };
  if (w.currentLeaderEpoch > p.leaderEpoch) return { out: data(w.partition, ErrorCode.UNKNOWN_LEADER_EPOCH, p), bytes: 0 };
  if (!p.replicas.includes(replicaId)) return { out: data(w.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER, p), bytes: 0 };
  if (w.fetchOffset < p.logStartOffset || w.fetchOffset > p.logEndOffset) return { out: data(w.partition, ErrorCode.OFFSET_OUT_OF_RANGE, p), bytes: 0 };
  if (record) services.replicas.followerFetched(p, replicaId, w.fetchOffset, w.logStartOffset);
  try {
    const r = await p.readAsync(w.fetchOffset, w.maxBytes, true, p.logEndOffset);
    return { out: data(w.partition, ErrorCode.NONE, p, r.records), partition: p, bytes: r.records.length };
  } catch (e) {
    return { out: data(w.partition, kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR, p), partition: p, bytes: 0 };
  }
}

export async function serveReplicaFetch(request: FetchRequest, version: number, replicaId: number, services: BrokerServices): Promise<FetchResponse> {
  const wanted: Wanted[] = request.topics.flatMap((t) => {
    const topic = version >= 13 ? services.metadata.topicById(t.topicId ?? '')?.name : (t.topic ?? '');
    return t.partitions.map((p) => ({
      topic, topicId: t.topicId ?? '', partition: p.partition, fetchOffset: Number(p.fetchOffset),
      currentLeaderEpoch: version >= 9 ? (p.currentLeaderEpoch ?? -1) : -1, maxBytes: p.partitionMaxBytes,
      logStartOffset: version >= 5 ? Number(p.logStartOffset ?? -1n) : -1,
    }));
  });
  const deadline = services.clock.now() + Math.max(0, request.maxWaitMs);
  let reads = await Promise.all(wanted.map((w) => readOne(services, replicaId, w, true)));
  for (;;) {
    const bytes = reads.reduce((n, r) => n + r.bytes, 0);
    const errors = reads.some((r) => r.out.errorCode !== ErrorCode.NONE);
    const remaining = deadline - services.clock.now();
    if (bytes >= Math.max(1, request.minBytes) || errors || remaining <= 0 || wanted.length === 0) break;
    await waitForData(reads.map((r) => r.partition).filter((p): p is Partition => p !== undefined), remaining, services.clock);
    reads = await Promise.all(wanted.map((w) => readOne(services, replicaId, w, false)));
  }
  const topics: TopicOut[] = [];
  wanted.forEach((w, i) => {
    const key = version >= 13 ? w.topicId : (w.topic ?? '');
    let t = topics.at(-1);
    if (!t || (version >= 13 ? t.topicId : t.topic) !== key) {
      t = { topic: w.topic ?? '', topicId: w.topicId || 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [] };
      topics.push(t);
    }
    t.partitions.push(reads[i]!.out);
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: topics };
}
