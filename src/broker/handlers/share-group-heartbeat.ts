/**
 * ShareGroupHeartbeat (key 76), v0: a share-group member (KIP-932) joins with epoch 0 and its
 * subscribed topics, heartbeats with its epoch, and leaves with -1; the answer carries its
 * partitions when they changed. The logic is in the ShareGroupCoordinator; served while
 * group.coordinator.rebalance.protocols includes "share".
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const shareGroupHeartbeatHandler = defineHandler({
  apiKey: ApiKey.ShareGroupHeartbeat,
  minVersion: 0,
  maxVersion: 0,
  groupProtocol: 'share',
  async handle(request, ctx) {
    const owner = ctx.services.groups.coordinatorError(request.groupId);
    if (owner !== ErrorCode.NONE) {
      return { throttleTimeMs: 0, errorCode: owner, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    }
    return ctx.services.groups.shareGroups.heartbeat(request, { clientId: ctx.header.clientId ?? '', clientHost: `/${ctx.client.address}` });
  },
});
