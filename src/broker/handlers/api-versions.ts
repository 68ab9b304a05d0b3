/**
 * ApiVersions (key 18), v0-v3: the API keys and version ranges this broker serves, taken from
 * the handler registry. A request above v3 never reaches here: the connection answers it with a
 * v0 response carrying UNSUPPORTED_VERSION and the same ranges, so the client can retry with a
 * version both sides know (KIP-511).
 */
import { ErrorCode } from '../../protocol/generated/error-codes.js';
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 3,
  handle(_request, ctx) {
    return {
      errorCode: ErrorCode.NONE,
      apiKeys: ctx.services.handlers.supported(),
      throttleTimeMs: 0,
    };
  },
});
