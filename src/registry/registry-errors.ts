/**
 * The registry's errors as Confluent Schema Registry answers them: `{error_code, message}` where a
 * five-digit code starts with the HTTP status (40401 subject not found, 40402 version not found,
 * 40403 schema not found, 40404 subject soft-deleted, 40405 subject not soft-deleted, 40406
 * version soft-deleted, 40407 version not soft-deleted, 40408 no subject-level config, 409
 * incompatible schema, 42201 invalid schema, 42202 invalid version, 42203 invalid compatibility
 * level, 42204 invalid mode, 42205 operation not permitted, 50001 store error, 50002 timeout).
 */
import { ClientError } from '../client/client-error.js';
import { HttpError } from '../http/http-error.js';

export class RegistryError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
  }

  get status(): number {
    return this.errorCode >= 10_000 ? Math.floor(this.errorCode / 100) : this.errorCode;
  }

  body(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const subjectNotFound = (s: string) => new RegistryError(40401, `Subject '${s}' not found.`);
export const versionNotFound = (v: string | number) => new RegistryError(40402, `Version ${v} not found.`);
export const schemaNotFound = (what = 'Schema') => new RegistryError(40403, `${what} not found.`);

export function toRegistryError(e: unknown): RegistryError {
  if (e instanceof RegistryError) return e;
  if (e instanceof HttpError) {
    if (e.status === 400 || e.status === 415) return new RegistryError(e.status === 415 ? 415 : 422, e.message);
    if (e.kafkaError?.endsWith('_AUTHORIZATION_FAILED')) return new RegistryError(403, e.message);
    return new RegistryError(e.status, e.message);
  }
  if (e instanceof ClientError) {
    if (e.code === 'AUTHENTICATION') return new RegistryError(401, e.message);
    if (e.code === 'KAFKA' && /AUTHORIZATION_FAILED/.test(e.message)) return new RegistryError(403, e.message);
    if (e.code === 'TIMEOUT') return new RegistryError(50002, e.message);
    return new RegistryError(50001, `Error in the backend datastore: ${e.message}`);
  }
  return new RegistryError(500, e instanceof Error ? e.message : String(e));
}
