/**
 * Describing a consumer group (KIP-848): ConsumerGroupDescribe's full view (epochs, assignor,
 * each member's current and target partitions), and the classic view DescribeGroups gives of it
 * so that older tools still list it (protocol type "consumer", the assignor as protocol, each
 * member's subscription and partitions in the consumer protocol's version-0 encoding).
 */
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import type { ConsumerGroupDescribeResponse } from '../../../protocol/generated/messages/ConsumerGroupDescribeResponse.js';
import type { Group } from '../group.js';
import type { GroupDescription } from '../group-coordinator.js';
import { encodeAssignment, encodeSubscription } from '../consumer-protocol.js';
import type { Assignment } from './assignment.js';
import type { ConsumerGroup } from './consumer-group.js';

type DescribedGroup = ConsumerGroupDescribeResponse['groups'][number];
type TopicName = (topicId: string) => string | undefined;

function byName(a: Assignment, nameOf: TopicName): Map<string, readonly number[]> {
  const out = new Map<string, readonly number[]>();
  for (const [id, ps] of a) {
    const name = nameOf(id);
    if (name !== undefined && ps.length > 0) out.set(name, ps);
  }
  return out;
}

export function describeConsumerGroupAsClassic(g: Group, cg: ConsumerGroup, assignor: string, nameOf: TopicName): GroupDescription {
  return {
    groupId: g.groupId,
    errorCode: ErrorCode.NONE,
    state: g.state,
    protocolType: 'consumer',
    protocolData: assignor,
    members: [...cg.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: encodeSubscription(m.subscribedTopicNames),
      assignment: encodeAssignment(byName(m.assignment.assigned, nameOf)),
    })),
  };
}

function wireAssignment(a: Assignment, nameOf: TopicName): { topicPartitions: { topicId: string; topicName: string; partitions: number[] }[] } {
  const topicPartitions: { topicId: string; topicName: string; partitions: number[] }[] = [];
  for (const [topicId, ps] of a) {
    const topicName = nameOf(topicId);
    if (topicName !== undefined && ps.length > 0) topicPartitions.push({ topicId, topicName, partitions: [...ps] });
  }
  return { topicPartitions };
}

export function describeConsumerGroup(g: Group, cg: ConsumerGroup, assignor: string, nameOf: TopicName, authorizedOperations: number): DescribedGroup {
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId: g.groupId,
    groupState: g.state,
    groupEpoch: cg.groupEpoch,
    assignmentEpoch: cg.assignmentEpoch,
    assignorName: assignor,
    members: [...cg.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: wireAssignment(m.assignment.assigned, nameOf),
      targetAssignment: wireAssignment(cg.targetOf(m.memberId), nameOf),
    })),
    authorizedOperations,
  };
}
