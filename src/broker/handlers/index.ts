/**
 * Every API handler this broker serves. Adding an API means adding its file and listing it here.
 */
import type { ApiHandler } from './api-handler.js';
import { HandlerRegistry } from './handler-registry.js';
import { apiVersionsHandler } from './api-versions.js';
import { metadataHandler } from './metadata.js';
import { ADMIN_HANDLERS } from './admin-handlers.js';
import { GROUP_HANDLERS } from './group-handlers.js';
import { produceHandler } from './produce.js';
import { fetchHandler } from './fetch.js';
import { listOffsetsHandler } from './list-offsets.js';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.js';
import { SECURITY_HANDLERS } from './security-handlers.js';

export const ALL_HANDLERS: readonly ApiHandler<never>[] = [
  apiVersionsHandler,
  metadataHandler,
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  offsetForLeaderEpochHandler,
  ...SECURITY_HANDLERS,
  ...ADMIN_HANDLERS,
  ...GROUP_HANDLERS,
] as unknown as ApiHandler<never>[];

/** The registry of every handler, less those of group protocols not in `groupProtocols` (all when omitted). */
export function buildHandlerRegistry(groupProtocols?: readonly string[]): HandlerRegistry {
  const registry = new HandlerRegistry();
  for (const h of ALL_HANDLERS) {
    const protocol = (h as ApiHandler).groupProtocol;
    if (protocol === undefined || groupProtocols === undefined || groupProtocols.includes(protocol)) registry.register(h);
  }
  return registry;
}
