/**
 * How a broker reaches the controller: the elected broker that alone creates, deletes and
 * reconfigures topics and moves leaders. On the controller itself (and on a single node, which is
 * always its own controller) `isLocal()` is true and the work is done in place; elsewhere requests
 * are forwarded to the controller over the inter-broker listener and its answer is passed on.
 */
import type { ApiMessages } from '../../protocol/generated/api-registry.js';

export interface ControllerChannel {
  /** Whether this broker is the controller. */
  isLocal(): boolean;
  /**
   * Sends a request to the controller; resolves to its response. Rejects with a
   * MetadataUnavailableError when no controller is known or reachable in time.
   */
  send<K extends keyof ApiMessages>(apiKey: K, version: number, request: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']>;
}

/** The channel of a broker that is always its own controller. */
export const SELF_CONTROLLER: ControllerChannel = {
  isLocal: () => true,
  send: () => Promise.reject(new Error('this broker is the controller: nothing to forward')),
};
