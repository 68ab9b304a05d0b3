/**
 * Errors of the client core, each with a stable code a caller (or the CLI) can act on, and for
 * Kafka error codes the name and whether Kafka calls it retriable.
 */
import { errorInfo } from '../protocol/generated/error-codes.js';

export type ClientErrorCode =
  | 'CONNECT' // no broker could be reached
  | 'DISCONNECTED' // the connection closed while a request was in flight
  | 'TIMEOUT' // no response within the request timeout
  | 'UNSUPPORTED' // the broker does not support any version of an API the client needs
  | 'KAFKA' // the broker answered with a Kafka error code
  | 'AUTHENTICATION' // SASL authentication failed or was refused
  | 'INVALID_ARGUMENT';

export class ClientError extends Error {
  override readonly name = 'ClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly kafkaCode?: number,
  ) {
    super(message);
  }

  get retriable(): boolean {
    if (this.code === 'DISCONNECTED' || this.code === 'TIMEOUT') return true;
    return this.kafkaCode !== undefined && (errorInfo(this.kafkaCode)?.retriable ?? false);
  }

  static kafka(code: number, context: string, detail?: string | null): ClientError {
    const name = errorInfo(code)?.name ?? `error ${code}`;
    return new ClientError('KAFKA', `${context}: ${name}${detail ? ` (${detail})` : ''}`, code);
  }
}
