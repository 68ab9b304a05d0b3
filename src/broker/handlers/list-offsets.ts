/**
 * ListOffsets (key 2), v0-v10: offsets by timestamp for each partition.
 *
 *   -2 earliest           the log start offset
 *   -1 latest             the high watermark (read_uncommitted) or last stable offset (read_committed)
 *   -3 max timestamp      the record with the largest timestamp (v7+)
 *   -4 earliest local     the log start offset (no tiered storage) (v8+)
 *   -5 latest tiered      -1: nothing is tiered (v9+)
 *   t >= 0                the first offset whose timestamp is >= t, below the limit above
 *
 * A lookup that finds nothing answers offset -1 and timestamp -1. Version 0 answers with a list
 * of offsets (oldStyleOffsets) holding the one found.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ListOffsetsResponseListOffsetsPartitionResponse as PartitionOut } from '../../protocol/generated/messages/ListOffsetsResponse.js';
import { offsetForTimestamp, offsetOfMaxTimestamp } from '../../storage/log/offset-lookup.js';
import { kafkaErrorCodeOf } from '../errors.js';
import type { Partition } from '../replica/partition.js';
import { defineHandler } from './api-handler.js';
import { notServedError } from '../topics/topic-partitions.js';

const EARLIEST = -2;
const LATEST = -1;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;

function lookup(p: Partition, target: number, readCommitted: boolean): { offset: number; timestamp: number } {
  const limit = readCommitted ? p.lastStableOffset : p.highWatermark;
  switch (target) {
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: p.logStartOffset, timestamp: -1 };
    case LATEST:
      return { offset: limit, timestamp: -1 };
    case LATEST_TIERED:
      return { offset: -1, timestamp: -1 };
    case MAX_TIMESTAMP: {
      const found = offsetOfMaxTimestamp(p.log);
      return found && found.offset < limit ? found : { offset: -1, timestamp: -1 };
    }
    default: {
      const found = target >= 0 ? offsetForTimestamp(p.log, target) : undefined;
      return found && found.offset < limit ? found : { offset: -1, timestamp: -1 };
    }
  }
}

function errorOut(partitionIndex: number, errorCode: number): PartitionOut {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  handle(request, ctx) {
    const readCommitted = request.isolationLevel === 1;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((rp): PartitionOut => {
          const p = ctx.services.replicas.get(t.name, rp.partitionIndex);
          if (!p) return errorOut(rp.partitionIndex, notServedError(ctx.services.metadata, t.name, rp.partitionIndex));
          const epoch = rp.currentLeaderEpoch ?? -1;
          if (epoch >= 0 && epoch > p.leaderEpoch) return errorOut(rp.partitionIndex, ErrorCode.UNKNOWN_LEADER_EPOCH);
          if (epoch >= 0 && epoch < p.leaderEpoch) return errorOut(rp.partitionIndex, ErrorCode.FENCED_LEADER_EPOCH);
          const target = Number(rp.timestamp);
          if (target === MAX_TIMESTAMP && ctx.apiVersion < 7) return errorOut(rp.partitionIndex, ErrorCode.UNSUPPORTED_VERSION);
          try {
            const found = lookup(p, target, readCommitted);
            if (ctx.apiVersion === 0) {
              const oldStyleOffsets = found.offset >= 0 ? [BigInt(found.offset)] : [];
              return { partitionIndex: rp.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets };
            }
            return {
              partitionIndex: rp.partitionIndex,
              errorCode: ErrorCode.NONE,
              timestamp: BigInt(found.timestamp),
              offset: BigInt(found.offset),
              leaderEpoch: found.offset >= 0 && ctx.apiVersion >= 4 ? p.leaderEpoch : -1,
            };
          } catch (e) {
            return errorOut(rp.partitionIndex, kafkaErrorCodeOf(e) ?? ErrorCode.UNKNOWN_SERVER_ERROR);
          }
        }),
      })),
    };
  },
});
