/**
 * ShareAcknowledge (key 79), v0: acknowledgements of records a share consumer acquired, without
 * fetching: ACCEPT (1), RELEASE (2), REJECT (3), or GAP (0) for offsets without a record; one type
 * for a whole batch or one per offset. A record the member does not hold (never acquired, or its
 * acquisition lock expired) answers INVALID_RECORD_STATE for its partition. Epoch -1 also closes
 * the share session, releasing what the member still holds here.
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import type { ShareAcknowledgeResponse } from '../../protocol/generated/messages/ShareAcknowledgeResponse.js';
import { FINAL_SESSION_EPOCH } from '../group/share-groups/share-sessions.js';
import { defineHandler } from './api-handler.js';
import { applyAcknowledgements, currentLeader, shareTarget } from './share-acknowledgements.js';

export const shareAcknowledgeHandler = defineHandler({
  apiKey: ApiKey.ShareAcknowledge,
  minVersion: 0,
  maxVersion: 0,
  groupProtocol: 'share',
  async handle(request, ctx): Promise<ShareAcknowledgeResponse> {
    const { services } = ctx;
    const groupId = request.groupId ?? '';
    const memberId = request.memberId ?? '';
    const fail = (errorCode: number, errorMessage: string | null = null): ShareAcknowledgeResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, responses: [], nodeEndpoints: [] });
    if (groupId === '' || memberId === '') return fail(ErrorCode.INVALID_REQUEST, 'GroupId and MemberId must be set.');
    if (request.shareSessionEpoch === 0) return fail(ErrorCode.INVALID_SHARE_SESSION_EPOCH, 'ShareAcknowledge cannot open a share session.');
    const session = services.shares.sessions.check(groupId, memberId, request.shareSessionEpoch);
    if (typeof session === 'number') return fail(session);
    const responses: ShareAcknowledgeResponse['responses'] = [];
    for (const t of request.topics) {
      const partitions: ShareAcknowledgeResponse['responses'][number]['partitions'] = [];
      for (const p of t.partitions) {
        const target = shareTarget(services, t.topicId, p.partitionIndex);
        const errorCode = await applyAcknowledgements(services, groupId, memberId, target, p.acknowledgementBatches);
        partitions.push({
          partitionIndex: p.partitionIndex, errorCode, errorMessage: null,
          currentLeader: errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER ? currentLeader(services, t.topicId, p.partitionIndex) : { leaderId: -1, leaderEpoch: -1 },
        });
      }
      responses.push({ topicId: t.topicId, partitions });
    }
    if (request.shareSessionEpoch === FINAL_SESSION_EPOCH) {
      await services.shares.releaseIn([...session.partitions.values()].map((p) => ({ groupId, ...p })), memberId);
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses, nodeEndpoints: [] };
  },
});
