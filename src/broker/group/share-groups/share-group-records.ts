/**
 * The records a share group (KIP-932) keeps in __consumer_offsets, in Kafka's formats (int16
 * record type in the key, int16 version 0 in the value):
 *
 *   10  ShareGroupMemberMetadata          a member's client, rack and subscription
 *   11  ShareGroupMetadata                the group epoch
 *   14  ShareGroupCurrentMemberAssignment a member's epoch and partitions
 *
 * A share group's target assignment is what its members get at once (nothing is revoked first),
 * so the target-assignment records (12, 13) are not needed and not written; records of types
 * 9-15 that Kafka writes and Gregor does not are skipped on load. Tombstones remove keys.
 */
import { Reader } from '../../../protocol/wire/reader.js';
import * as K10 from '../../../protocol/generated/coordinator-records/ShareGroupMemberMetadataKey.js';
import * as V10 from '../../../protocol/generated/coordinator-records/ShareGroupMemberMetadataValue.js';
import * as K11 from '../../../protocol/generated/coordinator-records/ShareGroupMetadataKey.js';
import * as V11 from '../../../protocol/generated/coordinator-records/ShareGroupMetadataValue.js';
import * as K14 from '../../../protocol/generated/coordinator-records/ShareGroupCurrentMemberAssignmentKey.js';
import * as V14 from '../../../protocol/generated/coordinator-records/ShareGroupCurrentMemberAssignmentValue.js';
import { typedRecord as record, type KeyValue } from '../group-records.js';

export type ShareMemberMetadata = V10.ShareGroupMemberMetadataValue;
export type ShareMemberAssignment = V14.ShareGroupCurrentMemberAssignmentValue;

export const shareGroupRecords = {
  member: (groupId: string, memberId: string, value: ShareMemberMetadata | null): KeyValue =>
    record(10, (w) => K10.encodeShareGroupMemberMetadataKey(w, { groupId, memberId }, 10), value === null ? null : (w) => V10.encodeShareGroupMemberMetadataValue(w, value, 0)),
  epoch: (groupId: string, epoch: number | null): KeyValue =>
    record(11, (w) => K11.encodeShareGroupMetadataKey(w, { groupId }, 11), epoch === null ? null : (w) => V11.encodeShareGroupMetadataValue(w, { epoch }, 0)),
  current: (groupId: string, memberId: string, value: ShareMemberAssignment | null): KeyValue =>
    record(14, (w) => K14.encodeShareGroupCurrentMemberAssignmentKey(w, { groupId, memberId }, 14),
      value === null ? null : (w) => V14.encodeShareGroupCurrentMemberAssignmentValue(w, value, 0)),
};

export type ShareGroupRecord =
  | { type: 10; groupId: string; memberId: string; value: ShareMemberMetadata | null }
  | { type: 11; groupId: string; epoch: number | null }
  | { type: 14; groupId: string; memberId: string; value: ShareMemberAssignment | null }
  | { type: 'other' };

/** Decodes records of types 9-15; undefined for other types. */
export function decodeShareGroupRecord(key: Buffer, value: Buffer | null): ShareGroupRecord | undefined {
  const kr = new Reader(key);
  const type = kr.int16();
  if (type < 9 || type > 15) return undefined;
  const vr = value === null ? null : new Reader(value);
  const version = vr?.int16() ?? 0;
  switch (type) {
    case 10: {
      const k = K10.decodeShareGroupMemberMetadataKey(kr, 10);
      return { type, groupId: k.groupId, memberId: k.memberId, value: vr ? V10.decodeShareGroupMemberMetadataValue(vr, version) : null };
    }
    case 11: return { type, groupId: K11.decodeShareGroupMetadataKey(kr, 11).groupId, epoch: vr ? V11.decodeShareGroupMetadataValue(vr, version).epoch : null };
    case 14: {
      const k = K14.decodeShareGroupCurrentMemberAssignmentKey(kr, 14);
      return { type, groupId: k.groupId, memberId: k.memberId, value: vr ? V14.decodeShareGroupCurrentMemberAssignmentValue(vr, version) : null };
    }
    default: return { type: 'other' };
  }
}
