/**
 * Control batches: batches with attribute bit 5 set, holding records that clients never see as
 * data. Transaction markers (ABORT, COMMIT) are the ones the broker writes at the end of a
 * transaction: a control batch that is also transactional, carrying one record whose
 *
 *   key   = version int16 (0) | type int16 (0 = ABORT, 1 = COMMIT)
 *   value = version int16 (0) | coordinatorEpoch int32
 *
 * Readers accept higher key and value versions and read the fields they know, as Kafka does.
 */
import { CompressionType } from '../compression/index.js';
import { DecodeError } from '../wire/decode-error.js';
import { readBatchHeader } from './batch-header.js';
import { buildRecordBatch, NO_SEQUENCE } from './batch-builder.js';
import { recordsOfHeader, type ReadBatchOptions } from './batch-reader.js';

export enum ControlRecordType {
  Abort = 0,
  Commit = 1,
}

export interface EndTransactionMarker {
  type: ControlRecordType;
  coordinatorEpoch: number;
}

export interface MarkerBatchOptions {
  producerId: bigint;
  producerEpoch: number;
  timestamp: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

const CONTROL_KEY_VERSION = 0;
const MARKER_VALUE_VERSION = 0;
const CONTROL_KEY_SIZE = 4;
const MARKER_VALUE_SIZE = 6;

export function buildEndTransactionMarkerBatch(marker: EndTransactionMarker, options: MarkerBatchOptions): Buffer {
  const key = Buffer.alloc(CONTROL_KEY_SIZE);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(marker.type, 2);
  const value = Buffer.alloc(MARKER_VALUE_SIZE);
  value.writeInt16BE(MARKER_VALUE_VERSION, 0);
  value.writeInt32BE(marker.coordinatorEpoch, 2);
  return buildRecordBatch([{ key, value, timestamp: options.timestamp }], {
    baseOffset: options.baseOffset ?? 0n,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    compression: CompressionType.None,
  });
}

/** The type in a control record's key (any int16; 0 and 1 are transaction markers). */
export function readControlRecordType(key: Buffer | null): number {
  if (key === null || key.length < CONTROL_KEY_SIZE) {
    throw new DecodeError('INVALID_VALUE', 'control record key is missing or shorter than 4 bytes');
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new DecodeError('INVALID_VALUE', `control record key version ${version}`);
  return key.readInt16BE(2);
}

/** Reads the marker of a transaction marker batch at `start`. */
export function readEndTransactionMarker(buf: Buffer, start = 0, options: ReadBatchOptions = {}): EndTransactionMarker {
  const header = readBatchHeader(buf, start);
  if (!header.isControl) throw new DecodeError('INVALID_VALUE', 'not a control batch');
  const records = [...recordsOfHeader(header, options)];
  if (records.length !== 1) {
    throw new DecodeError('INVALID_VALUE', `a transaction marker batch holds one record, not ${records.length}`);
  }
  const record = records[0]!;
  const type = readControlRecordType(record.key);
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) {
    throw new DecodeError('INVALID_VALUE', `control record type ${type} is not a transaction marker`);
  }
  return { type, coordinatorEpoch: readMarkerValue(record.value) };
}

function readMarkerValue(value: Buffer | null): number {
  if (value === null || value.length < MARKER_VALUE_SIZE) {
    throw new DecodeError('INVALID_VALUE', 'transaction marker value is missing or shorter than 6 bytes');
  }
  const version = value.readInt16BE(0);
  if (version < 0) throw new DecodeError('INVALID_VALUE', `transaction marker value version ${version}`);
  return value.readInt32BE(2);
}
