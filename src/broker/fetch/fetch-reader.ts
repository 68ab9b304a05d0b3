/**
 * Reading the partitions of one fetch: each from its fetch offset, within its partition limit
 * and what is left of the response limit, up to the high watermark (read_uncommitted) or the last
 * stable offset (read_committed). The first batch of the first partition that has data is
 * returned whole even beyond the limits (KIP-74), so a consumer can always make progress.
 * Old fetch versions get their records down-converted to message format 0 (v0-v1) or 1 (v2-v3).
 * Record bytes are read off the event loop, all partitions at once, after the byte limit has been
 * shared out in place (PartitionLog.planRead / readPlanned), so a consumer of cold data never
 * stalls other connections while the disk seeks.
 *
 * Fetching from followers (KIP-392): from v11 a consumer may fetch from any replica, as Kafka
 * allows; a follower serves what it knows to be committed (its high watermark from the leader).
 * A fetch offset past a follower's log end is OFFSET_OUT_OF_RANGE for a client that sent its
 * leader epoch (it asks the leader next) and an empty answer for one that did not (it may be on
 * the follower only through stale metadata, and must not reset its position). On the leader, a
 * consumer that names its rack may instead be told its preferred read replica
 * (replica-selector.ts): that partition then comes back empty, at once.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import type { FetchResponsePartitionData } from '../../protocol/generated/messages/FetchResponse.js';
import { downConvertBatches } from '../../protocol/records/legacy-conversion.js';
import { kafkaErrorCodeOf } from '../errors.js';
import type { Partition } from '../replica/partition.js';
import type { BrokerServices } from '../services.js';
import type { WantedPartition } from './fetch-context.js';
import { notServedError } from '../topics/topic-partitions.js';
import { preferredReadReplica } from './replica-selector.js';
import type { LogReadPlan } from '../../storage/log/partition-log.js';

export interface PartitionRead {
  wanted: WantedPartition;
  partition: Partition | undefined;
  data: FetchResponsePartitionData;
  bytes: number;
}

export interface ReadOptions {
  version: number;
  maxBytes: number;
  readCommitted: boolean;
  /** The consumer's rack (Fetch v11+ RackId), '' when it names none. */
  clientRack?: string;
  /** Gives the buffers record bytes are read into (pooled ones, returned after the response is written). */
  allocate?: (length: number) => Buffer;
}

/** Consumers may read from followers from Fetch v11 (they carry client metadata), as in Kafka. */
const FOLLOWER_READS_FROM_VERSION = 11;

const NO_RECORDS = Buffer.alloc(0);

function emptyData(index: number, errorCode: number, p?: Partition): FetchResponsePartitionData {
  return {
    partitionIndex: index,
    errorCode,
    highWatermark: BigInt(p ? p.highWatermark : -1),
    lastStableOffset: BigInt(p ? p.lastStableOffset : -1),
    logStartOffset: BigInt(p ? p.logStartOffset : -1),
    abortedTransactions: null,
    preferredReadReplica: -1,
    // Kafka always writes a record set, empty for a partition with an error: librdkafka refuses
    // a null one (size -1) and drops the whole response.
    records: NO_RECORDS,
  };
}

function lookupError(services: BrokerServices, w: WantedPartition, version: number, p: Partition | undefined): number {
  if (w.topic === undefined) return version >= 13 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (!p) return notServedError(services.metadata, w.topic, w.partition);
  if (w.currentLeaderEpoch >= 0 && w.currentLeaderEpoch > p.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  if (w.currentLeaderEpoch >= 0 && w.currentLeaderEpoch < p.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  return ErrorCode.NONE;
}

export async function readPartitions(services: BrokerServices, wanted: readonly WantedPartition[], o: ReadOptions): Promise<PartitionRead[]> {
  let budget = o.maxBytes;
  let firstData = true;
  const fromFollowers = o.version >= FOLLOWER_READS_FROM_VERSION;
  const selector = services.config.str('replica.selector.class');
  // In place, in request order: errors, redirections, and how many bytes each partition will
  // take, so the response limit is shared as Kafka shares it (the first batch found is whole).
  const planned = wanted.map((w): PartitionRead & { plan?: LogReadPlan } => {
    const partition = w.topic === undefined ? undefined : services.replicas.readable(w.topic, w.partition, fromFollowers);
    const error = lookupError(services, w, o.version, partition);
    if (error !== ErrorCode.NONE || !partition) return { wanted: w, partition, data: emptyData(w.partition, error, partition), bytes: 0 };
    const data = emptyData(w.partition, ErrorCode.NONE, partition);
    try {
      const limit = o.readCommitted ? partition.lastStableOffset : partition.highWatermark;
      if (w.fetchOffset < partition.logStartOffset || w.fetchOffset > partition.logEndOffset) {
        const unsureFollower = !partition.isLeader && w.fetchOffset > partition.logEndOffset && w.currentLeaderEpoch < 0;
        if (!unsureFollower) data.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        return { wanted: w, partition, data, bytes: 0 };
      }
      if (fromFollowers && selector !== null) {
        data.preferredReadReplica = preferredReadReplica(partition, selector, o.clientRack ?? '', w.fetchOffset, services.metadata.brokers(), services.clock.now());
        if (data.preferredReadReplica >= 0) return { wanted: w, partition, data, bytes: 0 };
      }
      const plan = partition.log.planRead(w.fetchOffset, Math.min(w.maxBytes, budget), limit, firstData);
      if (plan.length > 0) {
        firstData = false;
        budget = Math.max(0, budget - plan.length);
      }
      return { wanted: w, partition, data, bytes: 0, plan };
    } catch (e) {
      return failedRead(services, w, partition, data, e);
    }
  });
  // Off the event loop, all partitions at once: the record bytes.
  return Promise.all(planned.map(async (r): Promise<PartitionRead> => {
    const { plan, ...read } = r;
    if (!plan || !r.partition) return read;
    try {
      const got = await r.partition.log.readPlanned(plan, o.allocate);
      let records = got.records;
      if (records.length > 0 && o.version < 4) records = downConvertBatches(records, o.version < 2 ? 0 : 1);
      read.data.records = records;
      read.bytes = records.length;
      read.data.abortedTransactions = o.readCommitted
        ? r.partition.log.abortedTransactions(r.wanted.fetchOffset, got.nextOffset).map((a) => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) }))
        : null;
      return read;
    } catch (e) {
      return failedRead(services, r.wanted, r.partition, read.data, e);
    }
  }));
}

function failedRead(services: BrokerServices, w: WantedPartition, partition: Partition, data: FetchResponsePartitionData, e: unknown): PartitionRead {
  data.errorCode = kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
  if (data.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) services.logger.error({ err: e, topic: w.topic, partition: w.partition }, 'fetch failed');
  return { wanted: w, partition, data, bytes: 0 };
}
