/**
 * Errors of the REST API in Confluent REST Proxy's form: `{error_code, message}` with an HTTP
 * status, and REST Proxy's error codes for Kafka failures: 40101 authentication, 40301
 * authorization, 40403 unknown topic or partition, 40002 a request Kafka refused as invalid
 * (topic exists, invalid partitions, replication factor or config, policy, security disabled),
 * 50302 broker not available, 50003 other retriable errors, 50002 other Kafka errors. Errors of
 * the HTTP layer (bad JSON, a missing field, no such resource) use the HTTP status as the code.
 *
 * Contract: pure.
 */
import { ClientError } from '../client/client-error.js';
import { HttpError } from '../http/http-error.js';
import { errorInfo } from '../protocol/generated/error-codes.js';

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  body(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

const BAD_REQUEST = new Set([
  'TOPIC_ALREADY_EXISTS', 'INVALID_REPLICATION_FACTOR', 'SECURITY_DISABLED', 'UNSUPPORTED_VERSION', 'INVALID_PARTITIONS',
  'INVALID_REQUEST', 'UNKNOWN_SERVER_ERROR', 'POLICY_VIOLATION', 'INVALID_CONFIG', 'INVALID_TOPIC_EXCEPTION',
  'INVALID_REPLICA_ASSIGNMENT', 'NON_EMPTY_GROUP', 'INVALID_GROUP_ID', 'INVALID_RECORD', 'RECORD_LIST_TOO_LARGE', 'MESSAGE_TOO_LARGE',
]);

/** The REST answer for a Kafka error code (by name). */
export function restErrorForKafka(name: string, retriable: boolean, message: string): RestError {
  if (name.endsWith('_AUTHORIZATION_FAILED')) return new RestError(403, 40301, message);
  if (name.includes('AUTHENTICATION')) return new RestError(401, 40101, message);
  if (name === 'UNKNOWN_TOPIC_OR_PARTITION' || name === 'UNKNOWN_TOPIC_ID') return new RestError(404, 40403, message);
  if (name === 'GROUP_ID_NOT_FOUND') return new RestError(404, 404, message);
  if (name === 'BROKER_NOT_AVAILABLE') return new RestError(503, 50302, message);
  if (BAD_REQUEST.has(name)) return new RestError(400, 40002, message);
  if (retriable) return new RestError(500, 50003, message);
  return new RestError(500, 50002, message);
}

export function toRestError(e: unknown): RestError {
  if (e instanceof RestError) return e;
  if (e instanceof HttpError) {
    if (e.kafkaError) return restErrorForKafka(e.kafkaError, errorInfoByName(e.kafkaError)?.retriable ?? false, e.message);
    return new RestError(e.status, e.status === 401 ? 40101 : e.status, e.message);
  }
  if (e instanceof ClientError) {
    if (e.code === 'KAFKA' && e.kafkaCode !== undefined) {
      const info = errorInfo(e.kafkaCode);
      return restErrorForKafka(info?.name ?? `error ${e.kafkaCode}`, info?.retriable ?? false, e.message);
    }
    if (e.code === 'AUTHENTICATION') return new RestError(401, 40101, e.message);
    if (e.code === 'INVALID_ARGUMENT') return new RestError(400, 400, e.message);
    return new RestError(503, 50302, e.message);
  }
  return new RestError(500, 500, e instanceof Error ? e.message : String(e));
}

function errorInfoByName(name: string): { retriable: boolean } | undefined {
  for (let code = -1; code < 200; code++) {
    const info = errorInfo(code);
    if (info?.name === name) return info;
  }
  return undefined;
}
