/**
 * Mapping failures from the layers below to Kafka error codes for responses.
 */
import { ErrorCode } from '../protocol/generated/error-codes.js';
import { DecodeError, EncodeError } from '../protocol/wire/decode-error.js';
import { StorageIoError } from '../storage/fs/file-system.js';
import { StorageError } from '../storage/storage-error.js';

/** The Kafka error code for an error thrown while serving one partition; undefined for bugs. */
export function kafkaErrorCodeOf(e: unknown): number | undefined {
  if (e instanceof StorageError) return ErrorCode[e.code];
  if (e instanceof StorageIoError) return ErrorCode.KAFKA_STORAGE_ERROR;
  if (e instanceof DecodeError) return ErrorCode.CORRUPT_MESSAGE;
  if (e instanceof EncodeError) return ErrorCode.UNSUPPORTED_COMPRESSION_TYPE;
  return undefined;
}
