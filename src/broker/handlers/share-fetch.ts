/**
 * ShareFetch (key 78), v0: a share consumer's fetch (KIP-932). It first applies the
 * acknowledgements it carries, then — unless it closes the share session (epoch -1, which also
 * releases what the member holds here) — acquires records for the member from every partition of
 * its share session that this broker leads, waiting up to MaxWaitMs when there is nothing to
 * acquire. Each partition answers with its record batches and the offset ranges acquired from them
 * (with their delivery counts): records outside those ranges are not the member's. Acquisitions
 * and acknowledgements are written to __share_group_state before the answer.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ShareFetchResponse } from '../../protocol/generated/messages/ShareFetchResponse.js';
import { FINAL_SESSION_EPOCH } from '../group/share-groups/share-sessions.js';
import type { AcquiredRange } from '../group/share-groups/share-partition.js';
import { waitForData } from '../fetch/wait-for-data.js';
import { defineHandler } from './api-handler.js';
import { applyAcknowledgements, currentLeader, shareTarget } from './share-acknowledgements.js';

type PartitionData = ShareFetchResponse['responses'][number]['partitions'][number];

const DEFAULT_PARTITION_MAX_BYTES = 1 << 20;
const MAX_WAIT_ROUNDS = 200;
/** Locks may expire while a fetch waits: it looks again at least this often. */
const RECHECK_MS = 250;

function failed(errorCode: number, errorMessage: string | null = null): ShareFetchResponse {
  return { throttleTimeMs: 0, errorCode, errorMessage, responses: [], nodeEndpoints: [] };
}

export const shareFetchHandler = defineHandler({
  apiKey: ApiKey.ShareFetch,
  minVersion: 0,
  maxVersion: 0,
  groupProtocol: 'share',
  async handle(request, ctx): Promise<ShareFetchResponse> {
    const { services } = ctx;
    const groupId = request.groupId ?? '';
    const memberId = request.memberId ?? '';
    if (groupId === '' || memberId === '') return failed(ErrorCode.INVALID_REQUEST, 'GroupId and MemberId must be set.');
    const named = request.topics.flatMap((t) => t.partitions.map((p) => ({ topicId: t.topicId, partition: p.partitionIndex, maxBytes: p.partitionMaxBytes, acks: p.acknowledgementBatches })));
    const forgotten = request.forgottenTopicsData.flatMap((t) => t.partitions.map((partition) => ({ topicId: t.topicId, partition })));
    if (request.shareSessionEpoch === 0 && named.some((p) => p.acks.length > 0)) return failed(ErrorCode.INVALID_REQUEST, 'A request opening a share session cannot acknowledge.');
    const session = services.shares.sessions.use(groupId, memberId, request.shareSessionEpoch, named, forgotten);
    if (typeof session === 'number') return failed(session);

    const out = new Map<string, PartitionData>();
    const entry = (topicId: string, partition: number): PartitionData => {
      const key = `${topicId}:${partition}`;
      let d = out.get(key);
      if (!d) {
        d = {
          partitionIndex: partition, errorCode: ErrorCode.NONE, errorMessage: null, acknowledgeErrorCode: ErrorCode.NONE, acknowledgeErrorMessage: null,
          currentLeader: { leaderId: -1, leaderEpoch: -1 }, records: null, acquiredRecords: [],
        };
        out.set(key, d);
      }
      return d;
    };
    for (const p of named) {
      if (p.acks.length === 0) continue;
      const target = shareTarget(services, p.topicId, p.partition);
      entry(p.topicId, p.partition).acknowledgeErrorCode = await applyAcknowledgements(services, groupId, memberId, target, p.acks);
    }
    if (request.shareSessionEpoch === FINAL_SESSION_EPOCH) {
      await services.shares.releaseIn([...session.partitions.values()].map((p) => ({ groupId, ...p })), memberId);
    } else {
      const maxBytesOf = new Map([...session.partitions.values()].map((p) => [`${p.topicId}:${p.partition}`, p.maxBytes !== undefined && p.maxBytes > 0 ? p.maxBytes : DEFAULT_PARTITION_MAX_BYTES]));
      const targets = [...session.partitions.values()].map((p) => shareTarget(services, p.topicId, p.partition));
      for (const t of targets) {
        if (t.errorCode === ErrorCode.NONE) continue;
        const d = entry(t.topicId, t.partition);
        d.errorCode = t.errorCode;
        d.currentLeader = currentLeader(services, t.topicId, t.partition);
      }
      const led = targets.filter((t) => t.leader);
      const deadline = services.clock.now() + Math.max(0, request.maxWaitMs);
      let budget = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
      for (let round = 0; round < MAX_WAIT_ROUNDS; round++) {
        let got = false;
        for (const t of led) {
          if (budget <= 0) break;
          const k = { groupId, topicId: t.topicId, partition: t.partition };
          const limit = Math.min(maxBytesOf.get(`${t.topicId}:${t.partition}`) ?? DEFAULT_PARTITION_MAX_BYTES, budget);
          let result: { records: Buffer; acquired: AcquiredRange[] };
          try {
            result = await services.shares.acquire(k, memberId, t.leader!, limit);
          } catch (e) {
            services.logger.warn({ err: e, groupId, topicId: t.topicId, partition: t.partition }, 'share fetch failed');
            entry(t.topicId, t.partition).errorCode = ErrorCode.UNKNOWN_SERVER_ERROR;
            continue;
          }
          if (result.acquired.length === 0) continue;
          got = true;
          budget -= result.records.length;
          const d = entry(t.topicId, t.partition);
          d.records = result.records;
          d.acquiredRecords = result.acquired.map((r) => ({ firstOffset: BigInt(r.firstOffset), lastOffset: BigInt(r.lastOffset), deliveryCount: r.deliveryCount }));
        }
        const left = deadline - services.clock.now();
        if (got || left <= 0 || led.length === 0) break;
        await waitForData(led.map((t) => t.leader!), Math.min(left, RECHECK_MS), services.clock);
      }
    }
    const byTopic = new Map<string, PartitionData[]>();
    for (const [key, d] of out) {
      const topicId = key.slice(0, key.lastIndexOf(':'));
      byTopic.set(topicId, [...(byTopic.get(topicId) ?? []), d]);
    }
    const leaders = new Set([...out.values()].map((d) => d.currentLeader.leaderId).filter((id) => id >= 0));
    return {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null,
      responses: [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions })),
      nodeEndpoints: services.metadata.brokers().filter((b) => leaders.has(b.nodeId)).map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
    };
  },
});
