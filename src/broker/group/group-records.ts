/**
 * The records a group coordinator writes to __consumer_offsets, in Kafka's formats:
 *
 *   key   int16 version, then the key struct: 1 = OffsetCommitKey (group, topic, partition),
 *         2 = GroupMetadataKey (group); 0 is an older offset key with the same fields
 *   value int16 version, then OffsetCommitValue (written at v3: offset, leader epoch, metadata,
 *         commit timestamp; v1 when an expire timestamp is set) or GroupMetadataValue (v3);
 *         a null value (tombstone) deletes the key
 *
 * Keys of version 3 and above belong to the newer consumer-group protocol and are skipped.
 */
import { Reader } from '../../protocol/wire/reader.js';
import { Writer } from '../../protocol/wire/writer.js';
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../../protocol/generated/coordinator-records/OffsetCommitKey.js';
import { decodeOffsetCommitValue, encodeOffsetCommitValue } from '../../protocol/generated/coordinator-records/OffsetCommitValue.js';
import { decodeGroupMetadataKey, encodeGroupMetadataKey } from '../../protocol/generated/coordinator-records/GroupMetadataKey.js';
import {
  decodeGroupMetadataValue, encodeGroupMetadataValue, type GroupMetadataValue,
} from '../../protocol/generated/coordinator-records/GroupMetadataValue.js';

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** -1 unless the commit asked for a retention time (OffsetCommit v2-v4). */
  expireTimestamp: number;
}

export interface KeyValue {
  key: Buffer;
  value: Buffer | null;
}

export type CoordinatorRecord =
  | { kind: 'offset'; group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { kind: 'group'; group: string; value: GroupMetadataValue | null };

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  write(w);
  return w.toBuffer();
}

/**
 * A record of the newer group types (consumer and share groups): the int16 record type and the
 * key struct, and — unless it is a tombstone — the int16 value version 0 and the value struct.
 */
export function typedRecord(type: number, key: (w: Writer) => void, value: ((w: Writer) => void) | null): KeyValue {
  const k = versioned(type, key);
  return { key: k, value: value === null ? null : versioned(0, value) };
}

export function offsetCommitRecord(group: string, topic: string, partition: number, value: CommittedOffset | null): KeyValue {
  const key = versioned(1, (w) => encodeOffsetCommitKey(w, { group, topic, partition }, 1));
  if (value === null) return { key, value: null };
  const v = value.expireTimestamp >= 0 ? 1 : 3;
  return {
    key,
    value: versioned(v, (w) => encodeOffsetCommitValue(w, {
      offset: BigInt(value.offset),
      leaderEpoch: value.leaderEpoch,
      metadata: value.metadata,
      commitTimestamp: BigInt(value.commitTimestamp),
      expireTimestamp: BigInt(value.expireTimestamp),
    }, v)),
  };
}

export function groupMetadataRecord(group: string, value: GroupMetadataValue | null): KeyValue {
  const key = versioned(2, (w) => encodeGroupMetadataKey(w, { group }, 2));
  return { key, value: value === null ? null : versioned(3, (w) => encodeGroupMetadataValue(w, value, 3)) };
}

/** Decodes one record of __consumer_offsets; undefined for record kinds this coordinator ignores. */
export function decodeCoordinatorRecord(key: Buffer, value: Buffer | null): CoordinatorRecord | undefined {
  const kr = new Reader(key);
  const keyVersion = kr.int16();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(kr, keyVersion);
    if (value === null) return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
    const vr = new Reader(value);
    const v = decodeOffsetCommitValue(vr, vr.int16());
    return {
      kind: 'offset', group: k.group, topic: k.topic, partition: k.partition,
      value: {
        offset: Number(v.offset),
        leaderEpoch: v.leaderEpoch ?? -1,
        metadata: v.metadata,
        commitTimestamp: Number(v.commitTimestamp),
        expireTimestamp: Number(v.expireTimestamp ?? -1n),
      },
    };
  }
  if (keyVersion === 2) {
    const k = decodeGroupMetadataKey(kr, 2);
    if (value === null) return { kind: 'group', group: k.group, value: null };
    const vr = new Reader(value);
    return { kind: 'group', group: k.group, value: decodeGroupMetadataValue(vr, vr.int16()) };
  }
  return undefined;
}
