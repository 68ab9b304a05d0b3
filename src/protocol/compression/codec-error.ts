/**
 * Shared error handling for the compression codecs: every failure to decompress, whatever the
 * native library threw, leaves as DecodeError('COMPRESSION'), and the output size cap is checked
 * in one place with one message.
 */
import { DecodeError } from '../wire/decode-error.js';

/** Wraps anything a codec threw into DecodeError('COMPRESSION'); DecodeErrors pass through. */
export function compressionError(codec: string, cause: unknown): DecodeError {
  if (cause instanceof DecodeError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DecodeError('COMPRESSION', `${codec}: ${detail}`);
}

export function malformed(codec: string, what: string): DecodeError {
  return new DecodeError('COMPRESSION', `${codec}: ${what}`);
}

export function outputTooLarge(codec: string, maxOutputSize: number): DecodeError {
  return new DecodeError('COMPRESSION', `${codec}: output exceeds the limit of ${maxOutputSize} bytes`);
}

/** Throws when a decompressed size (known or accumulated so far) exceeds the cap. */
export function checkOutputSize(codec: string, size: number, maxOutputSize: number): void {
  if (size > maxOutputSize) throw outputTooLarge(codec, maxOutputSize);
}
