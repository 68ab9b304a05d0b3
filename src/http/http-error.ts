/**
 * Errors of the console's HTTP API, answered as `{error_code, message}` (the shape Confluent's
 * REST Proxy uses) with an HTTP status. Kafka errors keep their Kafka name in `kafka_error`, and
 * the status says what kind of failure it was: 401 credentials, 403 an ACL refused it, 404 no such
 * topic or group, 409 a conflict (exists, group not empty), 400 invalid input, 503 the cluster
 * cannot be reached.
 *
 * Contract: pure; no I/O.
 */
import { ClientError } from '../client/client-error.js';
import { errorInfo } from '../protocol/generated/error-codes.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kafkaError?: string,
  ) {
    super(message);
  }

  body(): { error_code: number; message: string; kafka_error?: string } {
    return { error_code: this.status, message: this.message, ...(this.kafkaError ? { kafka_error: this.kafkaError } : {}) };
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message);
}

const NOT_FOUND = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'UNKNOWN_TOPIC_ID', 'GROUP_ID_NOT_FOUND', 'RESOURCE_NOT_FOUND', 'UNKNOWN_MEMBER_ID']);
const CONFLICT = new Set(['TOPIC_ALREADY_EXISTS', 'NON_EMPTY_GROUP', 'REASSIGNMENT_IN_PROGRESS', 'CONCURRENT_TRANSACTIONS', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION']);

function statusOfKafkaError(name: string, retriable: boolean): number {
  if (name.endsWith('_AUTHORIZATION_FAILED')) return 403;
  if (name.includes('AUTHENTICATION')) return 401;
  if (NOT_FOUND.has(name)) return 404;
  if (CONFLICT.has(name)) return 409;
  if (retriable) return 503;
  if (name === 'UNKNOWN_SERVER_ERROR') return 500;
  return 400;
}

/** The HTTP answer for anything a route threw. */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  if (e instanceof ClientError) {
    if (e.code === 'KAFKA' && e.kafkaCode !== undefined) {
      const info = errorInfo(e.kafkaCode);
      const name = info?.name ?? `error ${e.kafkaCode}`;
      return new HttpError(statusOfKafkaError(name, info?.retriable ?? false), e.message, name);
    }
    if (e.code === 'AUTHENTICATION') return new HttpError(401, e.message);
    if (e.code === 'INVALID_ARGUMENT') return new HttpError(400, e.message);
    if (e.code === 'UNSUPPORTED') return new HttpError(501, e.message);
    return new HttpError(503, e.message);
  }
  return new HttpError(500, e instanceof Error ? e.message : String(e));
}
