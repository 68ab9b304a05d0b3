/**
 * SaslHandshake (key 17), v0-v1: picks the SASL mechanism of the connection's exchange and lists
 * the listener's mechanisms. v1 means the tokens then travel in SaslAuthenticate requests; v0
 * means they follow as raw frames (ConnectionSession handles both). On a listener without SASL
 * the answer is ILLEGAL_SASL_STATE; a mechanism the listener does not offer gets
 * UNSUPPORTED_SASL_MECHANISM and the connection closes after the answer, as in Kafka.
 */
import { ApiKey } from '../../protocol/generated/api-registry.js';
import { defineHandler } from './api-handler.js';

export const saslHandshakeHandler = defineHandler({
  apiKey: ApiKey.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    return ctx.session.handshake(request.mechanism, ctx.apiVersion);
  },
});
