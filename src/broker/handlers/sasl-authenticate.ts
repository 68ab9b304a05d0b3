/**
 * SaslAuthenticate (key 36), v0-v2 (KIP-152): one SASL token each way. A failed exchange answers
 * SASL_AUTHENTICATION_FAILED with the reason after connection.failed.authentication.delay.ms and
 * the connection closes; from v1 a successful one carries the session lifetime
 * (connections.max.reauth.ms, KIP-368; 0 when sessions do not expire).
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const saslAuthenticateHandler = defineHandler({
  apiKey: ApiKey.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  handle(request, ctx) {
    return ctx.session.authenticate(request.authBytes, ctx.apiVersion);
  },
});
