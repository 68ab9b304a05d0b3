/**
 * Admin operations on share groups (KIP-932): describing them through ShareGroupDescribe at each
 * group's coordinator. Listing and deleting share groups use the common group operations
 * (admin-groups.ts) with the "share" type.
 *
 * Contract: stateless functions over the AdminContext.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { call } from './requests.js';
import type { ShareGroupDescription } from './admin-types.js';
import type { AdminContext } from './admin-helpers.js';
import { byCoordinator } from './admin-groups.js';

export async function describeShareGroups(ctx: AdminContext, groupIds: readonly string[]): Promise<ShareGroupDescription[]> {
  const out = new Map<string, ShareGroupDescription>();
  for (const [nodeId, ids] of await byCoordinator(ctx, groupIds)) {
    const { response } = await call(ctx.client, nodeId, ApiKey.ShareGroupDescribe, 0, () => ({ groupIds: ids, includeAuthorizedOperations: false }));
    for (const g of response.groups) {
      out.set(g.groupId, {
        groupId: g.groupId, errorCode: g.errorCode, state: g.errorCode === ErrorCode.NONE ? g.groupState : 'Dead', groupEpoch: g.groupEpoch, assignor: g.assignorName,
        members: g.members.map((m) => ({
          memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, memberEpoch: m.memberEpoch, subscribedTopics: m.subscribedTopicNames,
          assignment: Object.fromEntries(m.assignment.topicPartitions.map((t) => [t.topicName, t.partitions])),
        })),
      });
    }
  }
  return groupIds.map((id) => out.get(id) ?? { groupId: id, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, state: 'Dead', groupEpoch: -1, assignor: '', members: [] });
}
