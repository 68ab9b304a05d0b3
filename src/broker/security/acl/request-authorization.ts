/**
 * Request authorization: the one place on the request path where ACLs are checked. The
 * Connection, once a request is decoded and its session admitted it, asks `authorizeRequest`;
 * each API's rule (rules/*.ts, Kafka's per-API authorization table) says what the request needs
 * and answers one of:
 *
 *   refuse    the whole request is answered with this response (e.g. GROUP_AUTHORIZATION_FAILED
 *             for a JoinGroup without READ on the group) and the handler never runs;
 *   proceed   the handler runs on the request as given, or trimmed of the items the principal may
 *             not touch (topics it may not write, groups it may not describe); `complete` then
 *             adds those items back to the response with their error code, hides what the
 *             principal may not see (Metadata of all topics) and fills in authorized operations.
 *
 * Handlers know nothing of ACLs. With no authorizer configured the step is skipped entirely.
 * Every registered API has a rule; a test checks that none is missing.
 */
import type { ApiMessages } from '../../../protocol/generated/api-registry.js';
import type { BrokerServices } from '../../services.js';
import type { KafkaPrincipal } from '../principal.js';
import type { Action, Authorizer } from './authorizer.js';

export type Decision<K extends keyof ApiMessages> =
  | { refuse: ApiMessages[K]['response'] }
  | { request: ApiMessages[K]['request']; complete?: (response: ApiMessages[K]['response']) => ApiMessages[K]['response'] };

/** What a rule may ask: whether the caller may perform an operation on a resource. */
export interface Access {
  allowed(operation: number, resourceType: number, name: string): boolean;
  /** Whether the caller may perform the operation on some resource of the type (KIP-679's idempotent-producer check). */
  anyAllowed(operation: number, resourceType: number): boolean;
  /** The bit set of the given operations the caller may perform on a resource (authorized operations fields). */
  operations(resourceType: number, name: string, candidates: readonly number[]): number;
  services: BrokerServices;
}

export interface ApiRule<K extends keyof ApiMessages> {
  apiKey: K;
  check(request: ApiMessages[K]['request'], access: Access, version: number): Decision<K>;
}

export function defineRule<K extends keyof ApiMessages>(rule: ApiRule<K>): ApiRule<K> {
  return rule;
}

export function accessFor(authorizer: Authorizer, principal: KafkaPrincipal, host: string, services: BrokerServices): Access {
  const cache = new Map<string, boolean>();
  const allowed = (operation: number, resourceType: number, name: string): boolean => {
    const key = `${operation}\u0000${resourceType}\u0000${name}`;
    let v = cache.get(key);
    if (v === undefined) {
      const action: Action = { operation, resourceType, resourceName: name };
      v = authorizer.authorize(principal, host, action);
      cache.set(key, v);
    }
    return v;
  };
  return {
    allowed,
    anyAllowed: (operation, resourceType) => authorizer.authorizeAny(principal, host, operation, resourceType),
    operations: (resourceType, name, candidates) => candidates.reduce((bits, op) => (allowed(op, resourceType, name) ? bits | (1 << op) : bits), 0),
    services,
  };
}
