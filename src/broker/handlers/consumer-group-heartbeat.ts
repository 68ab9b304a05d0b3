/**
 * ConsumerGroupHeartbeat (key 68), v0-v1: a member of a consumer-protocol group (KIP-848) joins
 * (member epoch 0), heartbeats, and leaves (-1; -2 for a static member leaving for a while). The
 * answer carries the member's epoch, the heartbeat interval and, when it changed, the partitions
 * it may own. v1 (KIP-1082) has the client choose its member id and adds regex subscriptions.
 * All of the logic is in the ConsumerGroupCoordinator; served while
 * group.coordinator.rebalance.protocols includes "consumer".
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const consumerGroupHeartbeatHandler = defineHandler({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  groupProtocol: 'consumer',
  async handle(request, ctx) {
    const owner = ctx.services.groups.coordinatorError(request.groupId);
    if (owner !== ErrorCode.NONE) {
      return { throttleTimeMs: 0, errorCode: owner, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    }
    return ctx.services.groups.consumerGroups.heartbeat(request, {
      clientId: ctx.header.clientId ?? '', clientHost: `/${ctx.client.address}`, version: ctx.apiVersion,
    });
  },
});
