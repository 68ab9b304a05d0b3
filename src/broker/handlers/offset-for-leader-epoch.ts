/**
 * OffsetForLeaderEpoch (key 23), v0-v4: for each partition, the largest leader epoch this leader
 * knows that is not above the requested one, and the offset where that epoch ended (the start of
 * the next epoch, or the log end for the latest). Followers use it after a leader change to find
 * where their log diverged and truncate there; consumers use it to detect truncation (KIP-320).
 *
 * Answered by the leader (replica id -2, a debugging request, may ask any replica). An epoch older
 * than every epoch known gets epoch -1 and offset -1. current_leader_epoch (v2+) is checked:
 * FENCED_LEADER_EPOCH when it is older than this leader's, UNKNOWN_LEADER_EPOCH when newer.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { OffsetForLeaderEpochResponse } from '../../protocol/generated/messages/OffsetForLeaderEpochResponse.js';
import { notServedError } from '../topics/topic-partitions.js';
import { defineHandler } from './api-handler.js';

const DEBUGGING_REPLICA = -2;

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx): OffsetForLeaderEpochResponse {
    const { replicas, metadata } = ctx.services;
    const anyReplica = ctx.apiVersion >= 3 && request.replicaId === DEBUGGING_REPLICA;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((rp) => {
          const failed = (errorCode: number): { errorCode: number; partition: number; leaderEpoch: number; endOffset: bigint } =>
            ({ errorCode, partition: rp.partition, leaderEpoch: -1, endOffset: -1n });
          const p = anyReplica ? replicas.replica(t.topic, rp.partition) : replicas.get(t.topic, rp.partition);
          if (!p) return failed(notServedError(metadata, t.topic, rp.partition));
          const current = ctx.apiVersion >= 2 ? (rp.currentLeaderEpoch ?? -1) : -1;
          if (current >= 0 && current < p.leaderEpoch) return failed(ErrorCode.FENCED_LEADER_EPOCH);
          if (current > p.leaderEpoch) return failed(ErrorCode.UNKNOWN_LEADER_EPOCH);
          const found = p.log.epochs.endOffsetFor(rp.leaderEpoch, p.logEndOffset);
          return { errorCode: ErrorCode.NONE, partition: rp.partition, leaderEpoch: found.epoch, endOffset: BigInt(found.endOffset) };
        }),
      })),
    };
  },
});
