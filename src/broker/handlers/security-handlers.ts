/**
 * The authentication handlers (SaslHandshake, SaslAuthenticate), the SCRAM credential
 * administration (DescribeUserScramCredentials, AlterUserScramCredentials) and the ACL
 * administration (DescribeAcls, CreateAcls, DeleteAcls) and client quotas (DescribeClientQuotas,
 * AlterClientQuotas).
 */
import type { ApiHandler } from './api-handler.js';
import { saslAuthenticateHandler } from './sasl-authenticate.js';
import { saslHandshakeHandler } from './sasl-handshake.js';
import { alterUserScramCredentialsHandler } from './alter-user-scram-credentials.js';
import { describeUserScramCredentialsHandler } from './describe-user-scram-credentials.js';
import { createAclsHandler } from './create-acls.js';
import { deleteAclsHandler } from './delete-acls.js';
import { describeAclsHandler } from './describe-acls.js';
import { describeClientQuotasHandler } from './describe-client-quotas.js';
import { alterClientQuotasHandler } from './alter-client-quotas.js';

export const SECURITY_HANDLERS: readonly ApiHandler<never>[] = [
  saslHandshakeHandler,
  saslAuthenticateHandler,
  describeUserScramCredentialsHandler,
  alterUserScramCredentialsHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler,
  describeClientQuotasHandler,
  alterClientQuotasHandler,
] as unknown as ApiHandler<never>[];
