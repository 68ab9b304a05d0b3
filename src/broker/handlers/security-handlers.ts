/**
 * The authentication handlers (SaslHandshake, SaslAuthenticate) and the SCRAM credential
 * administration (DescribeUserScramCredentials, AlterUserScramCredentials).
 */
import type { ApiHandler } from './api-handler.js';
import { saslAuthenticateHandler } from './sasl-authenticate.js';
import { saslHandshakeHandler } from './sasl-handshake.js';
import { alterUserScramCredentialsHandler } from './alter-user-scram-credentials.js';
import { describeUserScramCredentialsHandler } from './describe-user-scram-credentials.js';

export const SECURITY_HANDLERS: readonly ApiHandler<never>[] = [
  saslHandshakeHandler,
  saslAuthenticateHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler,
] as unknown as ApiHandler<never>[];
