/**
 * HandlerRegistry: the handlers this broker serves, by API key. ApiVersions answers from it, so
 * the versions a client is offered are exactly the ones a handler accepts.
 */
import { API_DEFINITIONS } from '../../protocol/generated/api-registry.js';
import type { ApiHandler } from './api-handler.js';

export interface SupportedVersions {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export class HandlerRegistry {
  private readonly handlers = new Map<number, ApiHandler>();

  register(handler: ApiHandler<never> | ApiHandler): void {
    const h = handler as ApiHandler;
    const def = API_DEFINITIONS.get(h.apiKey);
    if (!def) throw new Error(`no API with key ${h.apiKey}`);
    if (h.minVersion < def.minVersion || h.maxVersion > def.maxVersion || h.minVersion > h.maxVersion) {
      throw new Error(`${def.name} handler versions ${h.minVersion}-${h.maxVersion} fall outside ${def.minVersion}-${def.maxVersion}`);
    }
    if (this.handlers.has(h.apiKey)) throw new Error(`${def.name} has two handlers`);
    this.handlers.set(h.apiKey, h);
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.handlers.get(apiKey);
  }

  supported(): SupportedVersions[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
