/**
 * The records a consumer group (KIP-848) keeps in __consumer_offsets, in Kafka's formats. The key
 * starts with its int16 record type, the value with its int16 version (0 for all of these):
 *
 *   3  ConsumerGroupMetadata                 group epoch
 *   4  ConsumerGroupPartitionMetadata        the subscribed topics (id, name, partition count) the
 *                                            group epoch was computed against
 *   5  ConsumerGroupMemberMetadata           a member's identity and subscription
 *   6  ConsumerGroupTargetAssignmentMetadata the epoch of the target assignment
 *   7  ConsumerGroupTargetAssignmentMember   one member's target partitions
 *   8  ConsumerGroupCurrentMemberAssignment  one member's epochs, state, owned and pending-revocation
 *                                            partitions
 *
 * A tombstone (null value) removes the key. Replaying them in order rebuilds every group.
 */
import { Reader } from '../../../protocol/wire/reader.js';
import * as K3 from '../../../protocol/generated/coordinator-records/ConsumerGroupMetadataKey.js';
import * as V3 from '../../../protocol/generated/coordinator-records/ConsumerGroupMetadataValue.js';
import * as K4 from '../../../protocol/generated/coordinator-records/ConsumerGroupPartitionMetadataKey.js';
import * as V4 from '../../../protocol/generated/coordinator-records/ConsumerGroupPartitionMetadataValue.js';
import * as K5 from '../../../protocol/generated/coordinator-records/ConsumerGroupMemberMetadataKey.js';
import * as V5 from '../../../protocol/generated/coordinator-records/ConsumerGroupMemberMetadataValue.js';
import * as K6 from '../../../protocol/generated/coordinator-records/ConsumerGroupTargetAssignmentMetadataKey.js';
import * as V6 from '../../../protocol/generated/coordinator-records/ConsumerGroupTargetAssignmentMetadataValue.js';
import * as K7 from '../../../protocol/generated/coordinator-records/ConsumerGroupTargetAssignmentMemberKey.js';
import * as V7 from '../../../protocol/generated/coordinator-records/ConsumerGroupTargetAssignmentMemberValue.js';
import * as K8 from '../../../protocol/generated/coordinator-records/ConsumerGroupCurrentMemberAssignmentKey.js';
import * as V8 from '../../../protocol/generated/coordinator-records/ConsumerGroupCurrentMemberAssignmentValue.js';
import { typedRecord as record, type KeyValue } from '../group-records.js';

export type MemberMetadata = V5.ConsumerGroupMemberMetadataValue;
export type CurrentMemberAssignment = V8.ConsumerGroupCurrentMemberAssignmentValue;
export type PartitionMetadata = V4.ConsumerGroupPartitionMetadataValue;

export const consumerGroupRecords = {
  epoch: (groupId: string, epoch: number | null): KeyValue =>
    record(3, (w) => K3.encodeConsumerGroupMetadataKey(w, { groupId }, 3), epoch === null ? null : (w) => V3.encodeConsumerGroupMetadataValue(w, { epoch }, 0)),
  partitionMetadata: (groupId: string, value: PartitionMetadata | null): KeyValue =>
    record(4, (w) => K4.encodeConsumerGroupPartitionMetadataKey(w, { groupId }, 4), value === null ? null : (w) => V4.encodeConsumerGroupPartitionMetadataValue(w, value, 0)),
  member: (groupId: string, memberId: string, value: MemberMetadata | null): KeyValue =>
    record(5, (w) => K5.encodeConsumerGroupMemberMetadataKey(w, { groupId, memberId }, 5), value === null ? null : (w) => V5.encodeConsumerGroupMemberMetadataValue(w, value, 0)),
  targetEpoch: (groupId: string, assignmentEpoch: number | null): KeyValue =>
    record(6, (w) => K6.encodeConsumerGroupTargetAssignmentMetadataKey(w, { groupId }, 6),
      assignmentEpoch === null ? null : (w) => V6.encodeConsumerGroupTargetAssignmentMetadataValue(w, { assignmentEpoch }, 0)),
  target: (groupId: string, memberId: string, topicPartitions: { topicId: string; partitions: number[] }[] | null): KeyValue =>
    record(7, (w) => K7.encodeConsumerGroupTargetAssignmentMemberKey(w, { groupId, memberId }, 7),
      topicPartitions === null ? null : (w) => V7.encodeConsumerGroupTargetAssignmentMemberValue(w, { topicPartitions }, 0)),
  current: (groupId: string, memberId: string, value: CurrentMemberAssignment | null): KeyValue =>
    record(8, (w) => K8.encodeConsumerGroupCurrentMemberAssignmentKey(w, { groupId, memberId }, 8),
      value === null ? null : (w) => V8.encodeConsumerGroupCurrentMemberAssignmentValue(w, value, 0)),
};

export type ConsumerGroupRecord =
  | { type: 3; groupId: string; epoch: number | null }
  | { type: 4; groupId: string; value: PartitionMetadata | null }
  | { type: 5; groupId: string; memberId: string; value: MemberMetadata | null }
  | { type: 6; groupId: string; assignmentEpoch: number | null }
  | { type: 7; groupId: string; memberId: string; topicPartitions: { topicId: string; partitions: number[] }[] | null }
  | { type: 8; groupId: string; memberId: string; value: CurrentMemberAssignment | null };

/** Decodes a record of types 3-8; undefined for other types. */
export function decodeConsumerGroupRecord(key: Buffer, value: Buffer | null): ConsumerGroupRecord | undefined {
  const kr = new Reader(key);
  const type = kr.int16();
  const vr = value === null ? null : new Reader(value);
  const version = vr?.int16() ?? 0;
  switch (type) {
    case 3: return { type, groupId: K3.decodeConsumerGroupMetadataKey(kr, 3).groupId, epoch: vr ? V3.decodeConsumerGroupMetadataValue(vr, version).epoch : null };
    case 4: return { type, groupId: K4.decodeConsumerGroupPartitionMetadataKey(kr, 4).groupId, value: vr ? V4.decodeConsumerGroupPartitionMetadataValue(vr, version) : null };
    case 5: {
      const k = K5.decodeConsumerGroupMemberMetadataKey(kr, 5);
      return { type, groupId: k.groupId, memberId: k.memberId, value: vr ? V5.decodeConsumerGroupMemberMetadataValue(vr, version) : null };
    }
    case 6: return { type, groupId: K6.decodeConsumerGroupTargetAssignmentMetadataKey(kr, 6).groupId,
      assignmentEpoch: vr ? V6.decodeConsumerGroupTargetAssignmentMetadataValue(vr, version).assignmentEpoch : null };
    case 7: {
      const k = K7.decodeConsumerGroupTargetAssignmentMemberKey(kr, 7);
      return { type, groupId: k.groupId, memberId: k.memberId, topicPartitions: vr ? V7.decodeConsumerGroupTargetAssignmentMemberValue(vr, version).topicPartitions : null };
    }
    case 8: {
      const k = K8.decodeConsumerGroupCurrentMemberAssignmentKey(kr, 8);
      return { type, groupId: k.groupId, memberId: k.memberId, value: vr ? V8.decodeConsumerGroupCurrentMemberAssignmentValue(vr, version) : null };
    }
    default: return undefined;
  }
}
