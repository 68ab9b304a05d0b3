/**
 * Errors storage reports to the broker, each naming the Kafka error code the broker answers with
 * for the affected partition. Storage never answers requests itself.
 */
export type StorageErrorCode =
  | 'CORRUPT_MESSAGE' // a batch failed its CRC or its framing is broken
  | 'INVALID_RECORD' // a batch is well-formed but not acceptable (old magic, bad counts)
  | 'MESSAGE_TOO_LARGE' // a batch exceeds max.message.bytes
  | 'RECORD_LIST_TOO_LARGE' // a request's records exceed segment.bytes
  | 'INVALID_TIMESTAMP' // a CreateTime timestamp outside the allowed window
  | 'OFFSET_OUT_OF_RANGE' // an offset outside [log start, log end]
  | 'KAFKA_STORAGE_ERROR' // the log is offline after a disk error
  | 'INVALID_CONFIG'
  | 'OUT_OF_ORDER_SEQUENCE_NUMBER' // an idempotent producer skipped or repeated sequence numbers
  | 'INVALID_PRODUCER_EPOCH'; // a producer epoch older than the current one (a fenced producer)

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
