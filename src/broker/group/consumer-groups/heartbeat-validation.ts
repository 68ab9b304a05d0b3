/**
 * The request checks of ConsumerGroupHeartbeat, as Kafka makes them before touching the group:
 * INVALID_REQUEST with a message for malformed heartbeats, UNSUPPORTED_ASSIGNOR for an assignor
 * the broker does not offer, INVALID_REGULAR_EXPRESSION for a regex that does not compile.
 */
import { ErrorCode } from '../../../protocol/generated/error-codes.js';
import type { ConsumerGroupHeartbeatRequest } from '../../../protocol/generated/messages/ConsumerGroupHeartbeatRequest.js';
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './consumer-group.js';
import { topicRegexError } from './topic-regex.js';

export interface HeartbeatCheck {
  errorCode: number;
  message: string | null;
}

const OK: HeartbeatCheck = { errorCode: ErrorCode.NONE, message: null };

function invalid(message: string): HeartbeatCheck {
  return { errorCode: ErrorCode.INVALID_REQUEST, message };
}

export function validateHeartbeat(req: ConsumerGroupHeartbeatRequest, version: number, assignors: readonly string[]): HeartbeatCheck {
  if (req.groupId.trim() === '') return invalid('GroupId can\'t be empty.');
  if (req.rackId !== null && req.rackId.trim() === '') return invalid('RackId can\'t be empty.');
  if (req.instanceId !== null && req.instanceId.trim() === '') return invalid('InstanceId can\'t be empty.');
  if (version >= 1 && req.memberId.trim() === '') return invalid('MemberId can\'t be empty.');
  const regex = req.subscribedTopicRegex ?? null;
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) return invalid('RebalanceTimeoutMs must be provided in first request.');
    if (req.topicPartitions === null || req.topicPartitions.length > 0) return invalid('TopicPartitions must be empty when (re-)joining.');
    if (req.subscribedTopicNames === null && regex === null) return invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) return invalid('InstanceId can\'t be null.');
  } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    return invalid(`MemberEpoch is ${req.memberEpoch}, but must be greater than or equal to -2.`);
  }
  if (version === 0 && req.memberEpoch !== 0 && req.memberEpoch !== LEAVE_GROUP_MEMBER_EPOCH && req.memberId.trim() === '') {
    return invalid('MemberId can\'t be empty.');
  }
  if (req.serverAssignor !== null && !assignors.includes(req.serverAssignor)) {
    return { errorCode: ErrorCode.UNSUPPORTED_ASSIGNOR, message: `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignors.join(', ')}.` };
  }
  if (regex !== null && regex !== '') {
    const error = topicRegexError(regex);
    if (error) return { errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, message: error };
  }
  return OK;
}
