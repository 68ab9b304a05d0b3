/**
 * Record formats: v2 record batches (header view, CRC-32C, in-place patching, builder, reader,
 * batch boundaries), transaction control batches, and legacy magic 0/1 message sets with their
 * conversions to and from v2.
 */
export {
  BATCH_HEADER_SIZE,
  BatchAttribute,
  BatchField,
  BatchHeader,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  TimestampType,
  computeBatchCrc,
  isBatchCrcValid,
  readBatchHeader,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  verifyBatchCrc,
  writeBatchCrc,
} from './batch-header.js';
export { BatchIterator, batchesIn, type BatchSpan } from './batch-iterator.js';
export {
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  buildRecordBatch,
  type BatchOptions,
  type RecordInput,
} from './batch-builder.js';
export {
  batchRecords,
  decompressedRecords,
  readRecordBatch,
  recordsOfHeader,
  type BatchRecord,
  type DecodedBatch,
  type ReadBatchOptions,
} from './batch-reader.js';
export { readRecord, writeRecord, type RecordFields, type RecordHeader } from './record.js';
export {
  ControlRecordType,
  buildEndTransactionMarkerBatch,
  readControlRecordType,
  readEndTransactionMarker,
  type EndTransactionMarker,
  type MarkerBatchOptions,
} from './control.js';
export {
  buildLegacyMessageSet,
  readLegacyMessageSet,
  type BuildLegacyOptions,
  type LegacyMagic,
  type LegacyMessage,
  type LegacyMessageInput,
  type ReadLegacyOptions,
} from './legacy.js';
export { downConvertBatches, legacyToRecordInputs, recordsToLegacyMessageSet } from './legacy-conversion.js';
