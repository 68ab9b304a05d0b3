/**
 * The one error type that decoding untrusted bytes may throw.
 *
 * Every decoder in the protocol layer (generated message codecs, record batches, legacy message
 * sets, compression framing) reports malformed input with a DecodeError carrying a stable code,
 * so callers can answer with the matching Kafka error (CORRUPT_MESSAGE, INVALID_REQUEST, ...)
 * or close a connection, and never see a RangeError or an allocation blow-up instead.
 */
export type DecodeErrorCode =
  | 'TRUNCATED' // fewer bytes remain than a length, count or fixed-size field needs
  | 'NEGATIVE_LENGTH' // a length below -1, or -1 where null is not allowed
  | 'VARINT_TOO_LONG' // a varint with more continuation bytes than its type allows
  | 'COUNT_TOO_LARGE' // an array count that cannot fit in the remaining bytes
  | 'INVALID_VALUE' // a value outside its domain (bad magic, bad enum, bad UTF-8 length...)
  | 'CRC_MISMATCH' // a checksum that does not match the bytes it covers
  | 'UNSUPPORTED_VERSION' // a version the schema does not define
  | 'UNKNOWN_API_KEY' // an API key with no message definition
  | 'TRAILING_BYTES' // bytes left over after a complete message
  | 'COMPRESSION'; // a compressed payload that cannot be decompressed

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Raised when a value cannot be encoded at the requested version (Kafka's UnsupportedVersionException). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
  constructor(
    readonly code: 'UNSUPPORTED_VERSION' | 'NOT_NULLABLE' | 'OUT_OF_RANGE' | 'INVALID_VALUE',
    message: string,
  ) {
    super(message);
  }
}
