/**
 * What every API handler is: the API key it serves, the versions it accepts, and a function
 * from a decoded request to a response. One file per API key registers one handler; the
 * registry (and from it ApiVersions) is built from those files.
 *
 * Handlers report Kafka errors inside their responses (per partition, per topic, per resource),
 * never by throwing. A thrown error is a bug: the connection logs it and closes.
 */
import type { ApiMessages } from '../../protocol/generated/api-registry.js';
import type { RequestHeader } from '../../protocol/generated/messages/RequestHeader.js';
import type { BrokerServices } from '../services.js';
import type { ConnectionSession } from '../security/connection-session.js';

/** Returned by a handler when the request gets no response (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

const afterWrite = new WeakMap<object, () => void>();

/**
 * Registers `done` to run once `response` has been written to the client's socket (or the
 * connection is gone): what holds buffers that must outlive the write, such as pooled read
 * buffers, gives them back there.
 */
export function onceWritten(response: object, done: () => void): void {
  afterWrite.set(response, done);
}

/** The callback registered for `response`, removed from the registry. */
export function takeOnceWritten(response: unknown): (() => void) | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const done = afterWrite.get(response);
  afterWrite.delete(response);
  return done;
}

export interface ClientInfo {
  address: string;
  port: number;
  listener: string;
  connectionId: string;
}

export interface RequestContext {
  services: BrokerServices;
  header: RequestHeader;
  apiVersion: number;
  client: ClientInfo;
  /** Who the connection is and where it stands in authentication. */
  session: ConnectionSession;
}

export interface ApiHandler<K extends keyof ApiMessages = keyof ApiMessages> {
  apiKey: K;
  minVersion: number;
  maxVersion: number;
  /** The group protocol (group.coordinator.rebalance.protocols) this API belongs to; served only when it is enabled. */
  groupProtocol?: 'consumer' | 'share';
  handle(
    request: ApiMessages[K]['request'],
    ctx: RequestContext,
  ): Promise<ApiMessages[K]['response'] | typeof NO_RESPONSE> | ApiMessages[K]['response'] | typeof NO_RESPONSE;
}

/** Declares a handler with its types inferred from the API key. */
export function defineHandler<K extends keyof ApiMessages>(handler: ApiHandler<K>): ApiHandler<K> {
  return handler;
}
